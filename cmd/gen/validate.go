package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/render"
)

func newValidateCmd(out io.Writer) *cobra.Command {
	var s render.Settings
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check descriptors (files or directories) and report every problem",
		Args:  argsAtLeast(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if err := s.Validate(); err != nil {
				return usageError{err}
			}
			files, err := render.ExpandPaths(paths)
			if err != nil {
				return err
			}
			valid, err := render.ValidateFiles(cmd.Context(), files, s)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d descriptor(s) valid\n", valid)
			return nil
		},
	}
	s.AddFlags(cmd.Flags())
	return cmd
}
