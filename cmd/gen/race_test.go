//go:build race

package main

// raceDetector is set when the tests run under -race, which slows code down several
// times: wall-time bounds are then not meaningful (allocation bounds still are).
const raceDetector = true
