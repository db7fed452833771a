package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/jobchart"
	"github.com/jobcharts/jobcharts/pkg/render"
)

func newChartCmd(out io.Writer) *cobra.Command {
	var s render.Settings
	var o jobchart.WriteOptions
	cmd := &cobra.Command{
		Use:   "chart [-o DIR] [--package] [--version V] [--app-version V] [--git-commit SHA] PATH...",
		Short: "Write a job-specific chart per descriptor (or a reproducible NAME-VERSION.tgz and index.yaml)",
		Long: `Write a job-specific chart per descriptor: named after the job, versioned by --version or the
descriptor's metadata.annotations["jobcharts.io/chart-version"], appVersion the image digest or tag,
values.yaml the job's values, templates and schema from the embedded chart.

With --package, NAME-VERSION.tgz files and an index.yaml of the directory are written. They are
reproducible: file times are SOURCE_DATE_EPOCH, else the descriptor commit's time, else 1970-01-01.`,
		Args: argsAtLeast(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if err := s.Validate(); err != nil {
				return usageError{err}
			}
			if err := o.Validate(); err != nil {
				return usageError{err}
			}
			files, err := render.ExpandPaths(paths)
			if err != nil {
				return err
			}
			jobs, err := render.PrepareAll(cmd.Context(), files, s)
			if err != nil {
				return err
			}
			charts, err := jobchart.BuildAll(jobs, o.Options)
			if err != nil {
				return err
			}
			return jobchart.Write(cmd.Context(), charts, o, out)
		},
	}
	s.AddFlags(cmd.Flags())
	o.AddFlags(cmd.Flags())
	return cmd
}
