package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdKernel is a placeholder until the kernel command lands.
func newCmdKernel(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "kernel",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("kernel: not yet built")
		},
	}
}
