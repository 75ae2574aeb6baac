package main

import "context"

// templateCommand is a placeholder until the command is written.
var templateCommand = &command{
	name:  "template",
	usage: "Usage: bulkagents template\n",
	run: func(ctx context.Context, env *environment, args []string) error {
		return usageError("", "template: not written yet")
	},
}
