package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A rename that fails after others succeeded is undone: DIR is as it was.
func TestOutputUndoesRenamesOnFailure(t *testing.T) {
	dir := t.TempDir()
	var o Output
	o.AddFile("ns/a.yaml", func() ([]byte, error) { return []byte("a1"), nil })
	o.AddDir("chart", map[string][]byte{"Chart.yaml": []byte("c1")})
	o.AddFile("ns/b.yaml", func() ([]byte, error) { return []byte("b1"), nil })
	require.NoError(t, o.Commit(context.Background(), dir))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ns", "keep"), []byte("k"), 0o644))

	list := func() map[string]string {
		m := map[string]string{}
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			rel, _ := filepath.Rel(dir, p)
			if err == nil && !fi.IsDir() {
				data, _ := os.ReadFile(p)
				m[rel] = string(data)
			} else if err == nil {
				m[rel] = "dir"
			}
			return err
		})
		return m
	}
	before := list()

	for _, failAt := range []string{"ns/a.yaml", "chart", "ns/b.yaml", "new/c.yaml"} {
		t.Run(failAt, func(t *testing.T) {
			boom := errors.New("boom")
			renameHook = func(rel string) error {
				if rel == failAt {
					return boom
				}
				return nil
			}
			defer func() { renameHook = nil }()
			var o Output
			o.AddFile("ns/a.yaml", func() ([]byte, error) { return []byte("a2"), nil })
			o.AddDir("chart", map[string][]byte{"Chart.yaml": []byte("c2"), "templates/t.yaml": []byte("t2")})
			o.AddFile("ns/b.yaml", func() ([]byte, error) { return []byte("b2"), nil })
			o.AddFile("new/c.yaml", func() ([]byte, error) { return []byte("c2"), nil })
			require.ErrorIs(t, o.Commit(context.Background(), dir), boom)
			require.Equal(t, before, list())
		})
	}

	// Without a failure, everything is replaced and only what was written is left.
	var n Output
	n.AddFile("ns/a.yaml", func() ([]byte, error) { return []byte("a2"), nil })
	n.AddDir("chart", map[string][]byte{"Chart.yaml": []byte("c2")})
	require.NoError(t, n.Commit(context.Background(), dir))
	require.Equal(t, map[string]string{".": "dir", "ns": "dir", "ns/a.yaml": "a2", "ns/b.yaml": "b1", "ns/keep": "k", "chart": "dir", "chart/Chart.yaml": "c2"}, list())
}
