//go:build !linux

package main

import "testing"

// dirWatch needs inotify: elsewhere the tests that wait for a file skip.
type dirWatch struct{ changed chan struct{} }

func watchDir(t testing.TB, dir string) *dirWatch {
	t.Skip("waits for files with inotify, which only Linux has")
	return nil
}
