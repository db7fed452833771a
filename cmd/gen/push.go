package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/jobcharts/jobcharts/pkg/publish"
)

func newPushCmd(out io.Writer) *cobra.Command {
	var o publish.Options
	cmd := &cobra.Command{
		Use:   "push --repo URL PACKAGE...",
		Short: "Upload chart packages to a ChartMuseum-compatible repository or an OCI registry",
		Long: `Upload chart packages (NAME-VERSION.tgz from gen chart --package).

--repo https://HOST[/PATH] posts each package to the ChartMuseum API (HOST/api[/PATH]/charts);
an existing version is an error unless --force. --repo oci://HOST[/PATH] pushes HOST/PATH/NAME:VERSION
with Helm's registry client; the manifest's creation time is the package's, so it is reproducible.
A version already published with the same bytes is left as it is; with other bytes it is an error
unless --force.

Credentials come from the environment only: JOBCHARTS_REPO_USERNAME and JOBCHARTS_REPO_PASSWORD
(basic auth), or JOBCHARTS_REPO_TOKEN (bearer). For OCI without them, helm registry login applies.`,
		Args: argsAtLeast(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if err := o.Validate(); err != nil {
				return usageError{err}
			}
			o.Credentials = publish.CredentialsFromEnv()
			var errs []error
			for _, p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				res, err := publish.Push(cmd.Context(), data, o)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", p, err))
					continue
				}
				if res.Unchanged {
					fmt.Fprintf(out, "unchanged %s %s@%s (already published)\n", p, res.Ref, res.Digest)
				} else if res.Digest != "" {
					fmt.Fprintf(out, "pushed %s %s@%s\n", p, res.Ref, res.Digest)
				} else {
					fmt.Fprintf(out, "pushed %s %s\n", p, res.Ref)
				}
			}
			return errors.Join(errs...)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}
