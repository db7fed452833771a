package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/descriptor"
)

func newSchemaCmd(out io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema (draft-07) of the descriptor, for editors",
		Args:  argsExactly(0),
		RunE: func(*cobra.Command, []string) error {
			data, err := descriptor.Schema()
			if err != nil {
				return err
			}
			_, err = out.Write(data)
			return err
		},
	}
}
