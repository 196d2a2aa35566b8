package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdConv is a placeholder until the conv command lands.
func newCmdConv(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "conv",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("conv: not yet built")
		},
	}
}
