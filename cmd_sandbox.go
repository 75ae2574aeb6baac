package main

import "context"

// sandboxCommand is a placeholder until the command is written.
var sandboxCommand = &command{
	name:  "sandbox",
	usage: "Usage: bulkagents sandbox\n",
	run: func(ctx context.Context, env *environment, args []string) error {
		return usageError("", "sandbox: not written yet")
	},
}
