module github.com/convtool/convtool

go 1.26.0

require github.com/spf13/cobra v1.10.2

require (
	github.com/disintegration/imaging v1.6.2 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/image v0.48.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
