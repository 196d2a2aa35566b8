package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newCmdFFT is a placeholder until the fft command lands.
func newCmdFFT(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "fft",
		Short: "(not yet built)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("fft: not yet built")
		},
	}
}
