package sandbox

// DeleteInstance deletes the Connect instance, as an administrator deleting
// it in the console mid-run would: from then on every Connect call naming
// it answers ResourceNotFoundException ("Instance not found"), as AWS does
// for an instance id that does not exist. The identity store and Service
// Quotas are the account's, not the instance's, and go on answering. It
// takes no lock, so a SetHang hook may call it.
func (s *Sandbox) DeleteInstance() { s.deleted.Store(true) }
