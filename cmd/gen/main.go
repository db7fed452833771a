// Command gen validates job descriptors and renders them into Helm chart values and
// Kubernetes manifests with the embedded charts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes; an interrupted command exits 128 + the signal's number (130 for SIGINT,
// 143 for SIGTERM).
const (
	exitOK      = 0
	exitInvalid = 1 // invalid input, or anything that went wrong doing the work
	exitUsage   = 2
)

// usageError marks errors in how the command was called.
type usageError struct{ error }

func main() {
	tuneGC()
	ctx, stop := interruptible()
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + signalName(i.sig) }

// Is makes an interruption a context.Canceled, as the context's Err says.
func (i interrupted) Is(target error) bool { return target == context.Canceled }

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// interruptible is signal.NotifyContext for SIGINT and SIGTERM with the signal kept as
// the context's cause (interrupted), for the exit code. The first signal cancels the
// context: the commands stop between jobs and clean up. Later signals are ignored until
// gen exits, so that a second Ctrl-C cannot cut the clean-up, or the renames into an
// output directory, short.
func interruptible() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-ch:
			cancel(interrupted{sig})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext runs gen with args and returns the exit code. A command that fails
// because ctx was cancelled by a signal exits 128 + its number; a command that
// finished anyway exits as usual.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, err)
	if i, ok := context.Cause(ctx).(interrupted); ok {
		if n, ok := i.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
		return 128 + 2
	}
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitInvalid
}

func newRootCmd(out io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "gen",
		Short:         "Turn job descriptors into Flink and Spark charts and manifests",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRenderCmd(out), newValuesCmd(out), newValidateCmd(out), newSchemaCmd(out), newVersionCmd(out),
		newChartCmd(out), newPushCmd(out), newDiffCmd(out))
	return root
}

// argsAtLeast is cobra.MinimumNArgs reporting a usage error.
func argsAtLeast(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func argsExactly(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
