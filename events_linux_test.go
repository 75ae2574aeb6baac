package main

import (
	"os"
	"syscall"
	"testing"
)

// dirWatch tells a test each time a file is created in, linked into or
// renamed into a folder (inotify), so that it can act the moment one
// appears instead of polling for it.
type dirWatch struct {
	changed chan struct{} // one pending signal at most: check, then wait
}

func watchDir(t testing.TB, dir string) *dirWatch {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_CREATE|syscall.IN_MOVED_TO); err != nil {
		syscall.Close(fd)
		t.Fatal(err)
	}
	// A non-blocking descriptor goes to the runtime's poller: Read waits
	// without a thread, and Close ends it.
	f := os.NewFile(uintptr(fd), "inotify")
	t.Cleanup(func() { f.Close() })
	dw := &dirWatch{changed: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := f.Read(buf); err != nil {
				return
			}
			select {
			case dw.changed <- struct{}{}:
			default:
			}
		}
	}()
	return dw
}
