package main

import (
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/diff"
	"github.com/jobcharts/jobcharts/pkg/render"
)

func newDiffCmd(out io.Writer) *cobra.Command {
	var s render.Settings
	var gitMode, detail, namesOnly bool
	cmd := &cobra.Command{
		Use:   "diff [--detail | --names-only] OLD NEW | --git REV1 REV2 [PATH...]",
		Short: "Show which jobs' manifests were added, removed or changed between two descriptor trees",
		Long: `Render two descriptor trees and print, per job (namespace/name), whether its manifests were
added, removed or changed. Traceability annotations are left out: a new commit alone is no change.

With --git, OLD and NEW are git revisions and the trees are PATH... (default: the whole checkout)
as of each revision; a path missing at one revision has no jobs there. --detail adds a unified diff per job; --names-only prints one job per line.
The exit code is 0 whether or not there are changes; 1 for invalid descriptors, 2 for usage.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if gitMode {
				return argsAtLeast(2)(cmd, args)
			}
			return argsExactly(2)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := s.Validate(); err != nil {
				return usageError{err}
			}
			if detail && namesOnly {
				return usageError{errors.New("--detail and --names-only exclude each other")}
			}
			oldPaths, newPaths := args[:1], args[1:2]
			if gitMode {
				var cleanup func()
				var err error
				if oldPaths, newPaths, cleanup, err = diff.GitTrees(cmd.Context(), args[0], args[1], args[2:]); err != nil {
					return err
				}
				defer cleanup()
			}
			changes, err := diff.Trees(cmd.Context(), oldPaths, newPaths, s)
			if err != nil {
				return err
			}
			return diff.Print(out, changes, s, detail, namesOnly)
		},
	}
	s.AddFlags(cmd.Flags())
	cmd.Flags().BoolVar(&gitMode, "git", false, "OLD and NEW are git revisions; the trees are PATH... at each")
	cmd.Flags().BoolVar(&detail, "detail", false, "print a unified diff of each changed job's manifests")
	cmd.Flags().BoolVar(&namesOnly, "names-only", false, "print only the changed jobs, namespace/name, one per line")
	return cmd
}
