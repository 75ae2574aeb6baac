//go:build race

package main

// raceEnabled: the race detector multiplies a process's memory several
// times, so peak-memory bounds are not asserted under it.
const raceEnabled = true
