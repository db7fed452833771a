package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/render"
)

func newValuesCmd(out io.Writer) *cobra.Command {
	var s render.Settings
	cmd := &cobra.Command{
		Use:   "values PATH",
		Short: "Print the chart values of one descriptor (what `helm install -f` takes)",
		Args:  argsExactly(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := s.Validate(); err != nil {
				return usageError{err}
			}
			job, err := render.Prepare(args[0], s)
			if err != nil {
				return err
			}
			data, err := job.ValuesYAML()
			if err != nil {
				return err
			}
			_, err = out.Write(data)
			return err
		},
	}
	s.AddFlags(cmd.Flags())
	return cmd
}
