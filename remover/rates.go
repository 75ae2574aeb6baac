package remover

// RemoveAPIs are the rate-limited APIs a remove calls.
var RemoveAPIs = []string{
	"Connect.DescribeInstance", "Connect.ListRoutingProfiles", "Connect.SearchUsers",
	"Connect.ListQuickConnects", "Connect.DescribeQuickConnect", "Connect.DeleteQuickConnect",
	"Connect.DeleteUser", "Connect.DescribeUser", "identitystore",
}
