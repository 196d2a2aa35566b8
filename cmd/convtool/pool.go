package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdPool is a placeholder until the pool command lands.
func newCmdPool(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "pool",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("pool: not yet built")
		},
	}
}
