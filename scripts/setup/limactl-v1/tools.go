//go:build tools

// Package tools pins Lima 1.x's commands, the last Lima before `limactl autostart`: nixlima's
// Start at Login uses `limactl start-at-login` with it, and a test runs that path for real.
package tools

import (
	_ "github.com/lima-vm/lima/cmd/lima-guestagent"
	_ "github.com/lima-vm/lima/cmd/limactl"
)
