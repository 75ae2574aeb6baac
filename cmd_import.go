package main

import "context"

// importCommand is a placeholder until the command is written.
var importCommand = &command{
	name:  "import",
	usage: "Usage: bulkagents import\n",
	run: func(ctx context.Context, env *environment, args []string) error {
		return usageError("", "import: not written yet")
	},
}
