//go:build unix

package descriptor

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A named pipe given as a descriptor is refused at once: opening it would wait for
// a writer forever.
func TestNonRegularFilesAreRefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "job.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	for name, load := range map[string]func() error{
		"Load":  func() error { _, err := Load(fifo); return err },
		"Check": func() error { _, err := Check(fifo, Options{}); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- load() }()
		select {
		case err := <-done:
			require.EqualError(t, err, "reading descriptor: "+fifo+" is a named pipe (FIFO), not a regular file; give the path of a descriptor file", name)
		case <-time.After(5 * time.Second):
			t.Fatalf("%s blocks on a named pipe", name)
		}
	}
	_, err := Load("/dev/null")
	require.EqualError(t, err, "reading descriptor: /dev/null is a device, not a regular file; give the path of a descriptor file")
}
