//go:build tools

// Package tools pins Lima's commands, so that go.mod and go.sum fix the exact version
// the tests run against.
package tools

import (
	_ "github.com/lima-vm/lima/v2/cmd/lima-guestagent"
	_ "github.com/lima-vm/lima/v2/cmd/limactl"
)
