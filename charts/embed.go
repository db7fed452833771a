// Package charts embeds the Helm charts, the single source of every manifest.
package charts

import "embed"

// FS holds the charts; `all:` keeps _helpers.tpl and .helmignore, which plain patterns drop.
//
//go:embed all:flink-job all:spark-app
var FS embed.FS
