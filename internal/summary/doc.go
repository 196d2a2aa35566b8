// Package summary prints what a command did: the one line on stderr
// ("conv: input in.png 3x512x512, kernel …, 12.3 ms"), or the same facts
// as one JSON object on stdout with --json, and any other --json document.
// Every command prints through it, so the keys, their order and the JSON
// form are decided in one place.
package summary
