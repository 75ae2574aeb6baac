// Package remover holds what the command line says at the end of a remove;
// the remove itself is the delete kind of change of the one engine
// (importer.Remove). The names below keep the command layer's spelling.
package remover

import (
	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
)

type (
	// Config is one remove as the command line asks for it.
	Config = importer.RemoveConfig
	// Result is what a remove did.
	Result = importer.RemoveResult
)

var (
	// Remove deletes the Connect users a file names.
	Remove = importer.Remove
	// ReadLogins reads the logins of a CSV file.
	ReadLogins = agentfile.ReadLogins
	// ErrNotConfirmed: the confirmation was refused, nothing was changed.
	ErrNotConfirmed = importer.ErrNotConfirmed
)
