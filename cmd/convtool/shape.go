package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdShape is a placeholder until the shape command lands.
func newCmdShape(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "shape",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("shape: not yet built")
		},
	}
}
