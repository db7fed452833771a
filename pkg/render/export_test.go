package render

// RenderShared exposes the batch's render path to the tests.
func RenderShared(j *Job, s Settings) ([]Manifest, error) { return j.renderShared(s) }
