package main

import (
	"os"
	"runtime/debug"
)

// The soft memory limit of an import, unless GOMEMLIMIT says otherwise.
//
// By default Go lets its heap grow to twice what is live before collecting
// it. An import keeps well under 1 KiB per row live (importer/run_memory.go
// says what it keeps and when it lets go), so left alone its heap would
// reach about twice that. But an import is paced by the API quotas (2
// CreateUser calls a second by default), so the processor is idle nearly all
// the time: collecting more often costs nothing that shows, and the limit
// keeps the process within its budget, 1 KiB per row on top of an allowance
// for the program itself. The limit is soft: Go never fails an allocation
// for it, and should rows far wider than usual pass it, the collector takes
// at most about half the processor and the run goes on.
const (
	memoryAllowance = 16 << 20 // the runtime and a small import's heap
	memoryPerRow    = 1 << 10
)

// setImportMemoryLimit sets the soft memory limit for an import of rows data
// rows, unless the user set one with GOMEMLIMIT.
func setImportMemoryLimit(rows int) {
	if os.Getenv("GOMEMLIMIT") != "" { // as the runtime reads it: empty is unset
		return
	}
	debug.SetMemoryLimit(memoryAllowance + int64(rows)*memoryPerRow)
}

// The soft memory limit of an export: it holds every user it writes (the
// file is sorted by user login): at 100,000 users Go's heap holds 95 to
// 115 MB after each collection with a few columns, 160 MB with every
// column; 2 KiB a user on top of an allowance for the program and the
// pages being read leaves the collector room. Paced by
// the API quotas, it can collect often at no cost that shows: without the
// limit its heap would grow to twice what it holds (300 MB and more for
// 100,000 users).
const (
	exportAllowance = 32 << 20
	exportPerUser   = 2 << 10
)

// setExportMemoryLimit sets the soft memory limit for an export of users
// users, unless the user set one with GOMEMLIMIT.
func setExportMemoryLimit(users int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(exportAllowance + users*exportPerUser)
}
