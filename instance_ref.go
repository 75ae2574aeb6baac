package main

import (
	"errors"
	"fmt"
	"strings"
)

// instanceRef is what --instance-id names: an instance id, and the region
// when it was given as an ARN.
type instanceRef struct {
	ID     string
	Region string // empty unless the reference was an ARN
}

// parseInstanceRef accepts an instance id or an instance ARN
// (arn:aws:connect:REGION:ACCOUNT:instance/ID).
func parseInstanceRef(s string) (instanceRef, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return instanceRef{}, errors.New("no instance id")
	}
	if !strings.HasPrefix(s, "arn:") {
		if strings.ContainsAny(s, ":/ ") {
			return instanceRef{}, fmt.Errorf("instance id %q: not an id or an instance ARN", s)
		}
		return instanceRef{ID: s}, nil
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[2] != "connect" || parts[3] == "" || !strings.HasPrefix(parts[5], "instance/") {
		return instanceRef{}, fmt.Errorf("instance ARN %q: want arn:aws:connect:REGION:ACCOUNT:instance/ID", s)
	}
	id := strings.TrimPrefix(parts[5], "instance/")
	if id == "" || strings.Contains(id, "/") {
		return instanceRef{}, fmt.Errorf("instance ARN %q: want arn:aws:connect:REGION:ACCOUNT:instance/ID", s)
	}
	return instanceRef{ID: id, Region: parts[3]}, nil
}
