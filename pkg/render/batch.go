package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sync"
)

// Result is the outcome of one descriptor of a batch.
type Result struct {
	// Index is the descriptor's position in the input.
	Index int
	File  string
	// Job is the prepared job; nil when Err is set.
	Job *Job
	// Output is the rendered manifest stream (BatchOptions.Render).
	Output []byte
	Err    error
}

// BatchOptions tune Batch.
type BatchOptions struct {
	// Workers prepare and render concurrently; <= 0 means GOMAXPROCS.
	Workers int
	// Window bounds how many descriptors are in flight or waiting in the reorder
	// buffer, and so the memory a batch holds; <= 0 means 4 × Workers.
	Window int
	// Render renders each job's manifests into Result.Output.
	Render bool
	// Adjust, if set, is called on each prepared job before it is rendered, on the
	// worker's goroutine (e.g. to blank the traceability values for a diff).
	Adjust func(*Job)
}

// Batch prepares (and with o.Render renders) every file on a bounded pool of workers and
// hands the results to emit one by one, in input order, on the caller's goroutine: result
// i is emitted as soon as results 0..i-1 are. A failing descriptor does not stop the
// others; its Result carries the error. A job defined twice (same namespace/name) is an
// error on the later file. If emit returns an error the batch stops and Batch returns it.
func Batch(ctx context.Context, files []string, s Settings, o BatchOptions, emit func(Result) error) error {
	if len(files) == 0 {
		return nil
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(files))
	window := o.Window
	if window <= 0 {
		window = 4 * workers
	}
	window = max(window, workers)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slots := make(chan struct{}, window) // one per descriptor between dispatch and emit
	next := make(chan int)
	results := make(chan Result, window)

	go func() {
		defer close(next)
		for i := range files {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results <- process(i, files[i], s, o)
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := make(map[int]Result, window)
	seen := map[string]string{}
	want := 0
	var emitErr error
	for r := range results {
		if emitErr != nil {
			continue // drain so the workers finish
		}
		pending[r.Index] = r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			if r.Job != nil {
				key := r.Job.Namespace + "/" + r.Job.Release
				if other, dup := seen[key]; dup {
					r = Result{Index: r.Index, File: r.File, Err: fmt.Errorf("%s: job %s is also defined in %s", r.File, key, other)}
				} else {
					seen[key] = r.File
				}
			}
			if err := emit(r); err != nil {
				emitErr = err
				cancel()
				break
			}
			want++
			<-slots
		}
	}
	if emitErr == nil && ctx.Err() != nil && want < len(files) {
		return context.Cause(ctx)
	}
	return emitErr
}

func process(i int, file string, s Settings, o BatchOptions) Result {
	r := Result{Index: i, File: file}
	j, err := Prepare(file, s)
	if err != nil {
		r.Err = err
		return r
	}
	if o.Adjust != nil {
		o.Adjust(j)
	}
	if o.Render {
		ms, err := j.renderShared(s)
		if err != nil {
			r.Err = err
			return r
		}
		r.Output = Stream(ms)
	}
	r.Job = j
	return r
}

// ValidateFiles checks every file concurrently and returns how many are valid and every
// problem, in input order. It holds no more than the batch window in memory.
func ValidateFiles(ctx context.Context, files []string, s Settings) (int, error) {
	valid := 0
	var errs []error
	err := Batch(ctx, files, s, BatchOptions{}, func(r Result) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
		} else {
			valid++
		}
		return nil
	})
	if err != nil {
		return valid, err
	}
	return valid, errors.Join(errs...)
}

// renderStream renders files to out as one stream, in input order, as results arrive.
// Jobs that fail are left out and reported at the end.
func renderStream(ctx context.Context, files []string, s Settings, out io.Writer) error {
	var errs []error
	err := Batch(ctx, files, s, BatchOptions{Render: true}, func(r Result) error {
		if r.Err != nil {
			errs = append(errs, r.Err)
			return nil
		}
		_, err := out.Write(r.Output)
		return err
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// renderDir renders files into outDir, one file per job, all or nothing: each job's
// manifests are written to a staging directory beside outDir as they arrive (so a
// large batch is not held in memory), and only when every job succeeded are they
// written into outDir by Output.Commit (a temporary file and a rename per job, never
// outside outDir). On any error, or when ctx is done first, outDir is left as it was
// and the staging directory is removed.
func renderDir(ctx context.Context, files []string, s Settings, outDir string) (err error) {
	parent := filepath.Dir(filepath.Clean(outDir))
	made, err := makeDir(parent)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			unmakeDir(parent, made)
		}
	}()
	staging, err := os.MkdirTemp(parent, ".gen-render-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	stage, err := os.OpenRoot(staging)
	if err != nil {
		return err
	}
	defer stage.Close()
	var out Output
	var errs []error
	err = Batch(ctx, files, s, BatchOptions{Render: true}, func(r Result) error {
		if r.Err == nil {
			var name string
			if name, r.Err = JobName(r.Job); r.Err == nil && len(errs) == 0 {
				if err := stage.MkdirAll(filepath.FromSlash(path.Dir(name)), 0o755); err != nil {
					return err
				}
				if err := stage.WriteFile(filepath.FromSlash(name), r.Output, 0o644); err != nil {
					return err
				}
				out.AddFile(name, func() ([]byte, error) { return stage.ReadFile(filepath.FromSlash(name)) })
			}
		}
		if r.Err != nil {
			errs = append(errs, r.Err) // from now on nothing is staged; only keep checking
		}
		return nil
	})
	if err == nil {
		err = errors.Join(errs...)
	}
	if err == nil {
		err = out.Commit(ctx, outDir)
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w: %s is left as it was", err, outDir)
	}
	return err
}
