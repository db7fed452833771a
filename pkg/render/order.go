package render

import (
	pathpkg "path"
	"strings"

	"helm.sh/helm/v3/pkg/releaseutil"
)

// installOrder is releaseutil.SortManifests, the order `helm template` prints and
// `helm install` applies, without parsing every document in full.
//
// Helm decides a document's place from its head alone: apiVersion, kind, metadata.name
// and metadata.annotations (hooks). Parsing whole documents to read those was a third of
// the time of rendering a job, so Helm's sorter is handed only each document's head: the
// lines up to the first top-level key other than apiVersion, kind and metadata. Helm
// still splits, reads the heads, picks the hooks and sorts; the full documents are put
// back afterwards. A document whose head cannot be cut that simply (a head key after
// another key, or top-level syntax other than plain keys) is handed over whole, so the
// result is always what Helm's own sorter gives for the full files.
func installOrder(files map[string]string) (generic, hooks []Manifest, err error) {
	if generic, hooks, ok := installOrderByHeads(files); ok {
		return generic, hooks, nil
	}
	// Anything unusual, errors included, is Helm's to read in full and report.
	return helmInstallOrder(files)
}

// helmInstallOrder is Helm's own sort of the full documents.
func helmInstallOrder(files map[string]string) (generic, hooks []Manifest, err error) {
	hs, ms, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range ms {
		generic = append(generic, Manifest{Source: m.Name, Kind: m.Head.Kind, Name: headName(m.Head), Content: m.Content})
	}
	for _, h := range hs {
		hooks = append(hooks, Manifest{Source: h.Path, Kind: h.Kind, Name: h.Name, Content: h.Manifest, Hook: true})
	}
	return generic, hooks, nil
}

func installOrderByHeads(files map[string]string) (generic, hooks []Manifest, ok bool) {
	heads := make(map[string]string, len(files))
	full := map[string][]string{} // path + "\x00" + head -> the documents with that head, in order
	count := 0
	for path, content := range files {
		if strings.HasPrefix(pathpkg.Base(path), "_") {
			continue // partials: Helm's sorter skips them too
		}
		docs := splitDocuments(content)
		cut := make([]string, len(docs))
		for i, d := range docs {
			cut[i] = documentHead(d)
			key := path + "\x00" + cut[i]
			full[key] = append(full[key], d)
		}
		heads[path] = strings.Join(cut, "\n---\n")
		count += len(docs)
	}
	hs, ms, err := releaseutil.SortManifests(heads, nil, releaseutil.InstallOrder)
	if err != nil || len(hs)+len(ms) != count {
		return nil, nil, false
	}
	// Sorting is stable, so documents with the same path and head come back in the order
	// they were rendered: hand them out first in, first out.
	next := func(path, head string) (string, bool) {
		key := path + "\x00" + head
		if len(full[key]) == 0 {
			return "", false
		}
		d := full[key][0]
		full[key] = full[key][1:]
		return d, true
	}
	generic = make([]Manifest, 0, len(ms))
	for _, m := range ms {
		d, found := next(m.Name, m.Content)
		if !found {
			return nil, nil, false
		}
		generic = append(generic, Manifest{Source: m.Name, Kind: m.Head.Kind, Name: headName(m.Head), Content: d})
	}
	hooks = make([]Manifest, 0, len(hs))
	for _, h := range hs {
		d, found := next(h.Path, h.Manifest)
		if !found {
			return nil, nil, false
		}
		hooks = append(hooks, Manifest{Source: h.Path, Kind: h.Kind, Name: h.Name, Content: d, Hook: true})
	}
	return generic, hooks, true
}

func headName(h *releaseutil.SimpleHead) string {
	if h == nil || h.Metadata == nil {
		return ""
	}
	return h.Metadata.Name
}

// splitDocuments is releaseutil.SplitManifests in file order. A template that holds no
// "---" at all is one document, and needs no regular expression to say so.
func splitDocuments(content string) []string {
	if !strings.Contains(content, "---") {
		if d := strings.TrimSpace(content); d != "" {
			return []string{d}
		}
		return nil
	}
	byName := releaseutil.SplitManifests(content)
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	// manifest-0, manifest-1, ...: Helm's own order of the split documents.
	sortBySplitOrder(names)
	docs := make([]string, len(names))
	for i, name := range names {
		docs[i] = byName[name]
	}
	return docs
}

func sortBySplitOrder(names []string) {
	o := releaseutil.BySplitManifestsOrder(names)
	for i := 1; i < len(o); i++ { // insertion sort: a handful of documents
		for j := i; j > 0 && o.Less(j, j-1); j-- {
			o.Swap(j, j-1)
		}
	}
}

// headKeys are the top-level keys Helm's sorter reads.
var headKeys = []string{"apiVersion:", "kind:", "metadata:"}

// documentHead returns the leading lines of doc that hold its apiVersion, kind and
// metadata, or doc itself when the head is not a plain prefix of top-level keys.
func documentHead(doc string) string {
	end := -1 // where the first other top-level key starts
	for pos := 0; pos < len(doc); {
		line := doc[pos:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if top, plain := topLevel(line); top {
			if !plain {
				return doc // quoted keys, flow mappings, anchors, directives: let Helm read it all
			}
			isHead := hasHeadKey(line)
			switch {
			case end < 0 && !isHead:
				end = pos
			case end >= 0 && isHead:
				return doc // a head key after another key
			}
		}
		pos += len(line) + 1
	}
	if end <= 0 {
		return doc // all head, or no head at all
	}
	return sortedFields(strings.TrimSpace(doc[:end]))
}

// sortedFields prunes a head's metadata to what Helm's sorter reads: the name, and of the
// annotations only Helm's own (helm.sh/hook and friends). Labels and other annotations
// are most of a head's lines. Lines it cannot classify as plain keys are kept.
func sortedFields(head string) string {
	start := strings.Index(head, "\nmetadata:\n")
	if start < 0 {
		return head
	}
	start += len("\nmetadata:\n")
	var b strings.Builder
	b.Grow(len(head))
	b.WriteString(head[:start])
	child, inner := indent(head[start:]), -1 // indentation of metadata's keys, and of the annotations'
	if child == 0 {
		return head
	}
	keep, keepInner := true, true
	for pos := start; pos < len(head); {
		line := head[pos:]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i+1]
		}
		pos += len(line)
		n, blank := indent(line), strings.TrimSpace(line) == ""
		switch {
		case blank:
		case n < child: // past metadata
			b.WriteString(line)
			b.WriteString(head[pos:])
			return strings.TrimSpace(b.String())
		case n == child:
			key := line[n:]
			keep = strings.HasPrefix(key, "name:") || strings.HasPrefix(key, "annotations:") || !startsPlain(key)
			inner, keepInner = -1, true
			if strings.HasPrefix(key, "annotations:") {
				inner = 0 // its entries follow
			}
		case inner == 0 || n == inner: // an annotation
			inner = n
			key := line[n:]
			keepInner = strings.HasPrefix(key, "helm.sh/") || !startsPlain(key)
		}
		if keep && keepInner {
			b.WriteString(line)
		}
	}
	return strings.TrimSpace(b.String())
}

func startsPlain(s string) bool {
	return s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z')
}

func indent(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}

// topLevel says whether line starts a top-level node, and whether that is a plain key
// ("name:" followed by a space or the end of the line). Indented lines, comments, blank
// lines and the dashes of a sequence written at column 0 belong to the key before them.
func topLevel(line string) (top, plain bool) {
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return false, false
	}
	switch c := line[0]; {
	case c == ' ' || c == '\t' || c == '#':
		return false, false
	case c == '-' && (len(line) == 1 || line[1] == ' '):
		return false, false
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/'):
		case c == ':' && i > 0:
			return true, i+1 == len(line) || line[i+1] == ' '
		default:
			return true, false
		}
	}
	return true, false
}

func hasHeadKey(line string) bool {
	for _, k := range headKeys {
		if strings.HasPrefix(line, k) {
			return true
		}
	}
	return false
}
