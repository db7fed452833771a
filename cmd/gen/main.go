// Command gen validates job descriptors and renders them into Helm chart values and
// Kubernetes manifests with the embedded charts.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // invalid input, or anything that went wrong doing the work
	exitUsage   = 2
)

// usageError marks errors in how the command was called.
type usageError struct{ error }

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, err)
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
