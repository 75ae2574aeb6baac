package main

import "context"

// validateCommand is a placeholder until the command is written.
var validateCommand = &command{
	name:  "validate",
	usage: "Usage: bulkagents validate\n",
	run: func(ctx context.Context, env *environment, args []string) error {
		return usageError("", "validate: not written yet")
	},
}
