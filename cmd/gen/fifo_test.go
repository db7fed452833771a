//go:build unix

package main

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A named pipe, given as the descriptor or found in a directory, is refused at once
// (exit 1) by every command that reads descriptors: opening it would block until
// something writes to it.
func TestNamedPipeIsRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "job.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "reading descriptor: " + fifo + " is a named pipe (FIFO), not a regular file; give the path of a descriptor file\n"
	for _, args := range [][]string{
		{"validate", fifo},
		{"validate", dir},
		{"render", "-o", filepath.Join(t.TempDir(), "out"), "--git-commit", "0123456789abcdef", fifo},
		{"values", "--git-commit", "0123456789abcdef", fifo},
	} {
		type result struct {
			code   int
			stderr string
		}
		done := make(chan result, 1)
		go func() {
			code, _, stderr := gen(t, args...)
			done <- result{code, stderr}
		}()
		select {
		case r := <-done:
			if r.code != exitInvalid || r.stderr != want {
				t.Errorf("gen %v: exit %d, stderr:\n%s\nwant exit 1 and:\n%s", args, r.code, r.stderr, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("gen %v blocks on a named pipe", args)
		}
	}
}
