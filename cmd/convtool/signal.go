package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdSignal is a placeholder until the signal command lands.
func newCmdSignal(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "signal",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("signal: not yet built")
		},
	}
}
