package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/render"
)

func newRenderCmd(out io.Writer) *cobra.Command {
	var s render.Settings
	var outDir string
	cmd := &cobra.Command{
		Use:   "render [-o DIR] PATH...",
		Short: "Render the manifests of descriptors (files or directories) in Helm install order",
		Args:  argsAtLeast(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if err := s.Validate(); err != nil {
				return usageError{err}
			}
			return render.RenderPaths(cmd.Context(), paths, s, outDir, out)
		},
	}
	s.AddFlags(cmd.Flags())
	cmd.Flags().StringVarP(&outDir, "output-dir", "o", "", "write one file per job, DIR/<namespace>/<name>.yaml, instead of one stream to stdout")
	return cmd
}
