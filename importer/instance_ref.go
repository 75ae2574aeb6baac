package importer

import (
	"errors"
	"fmt"
	"strings"
)

// InstanceRef is what --instance-id names: an instance id, and the region
// when it was given as an ARN.
type InstanceRef struct {
	ID     string
	Region string // empty unless the reference was an ARN
}

// ParseInstanceRef accepts an instance id or an instance ARN
// (arn:aws:connect:REGION:ACCOUNT:instance/ID).
func ParseInstanceRef(s string) (InstanceRef, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return InstanceRef{}, errors.New("no instance id")
	}
	if !strings.HasPrefix(s, "arn:") {
		if strings.ContainsAny(s, ":/ ") {
			return InstanceRef{}, fmt.Errorf("instance id %q: not an id or an instance ARN", s)
		}
		return InstanceRef{ID: s}, nil
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[2] != "connect" || parts[3] == "" || !strings.HasPrefix(parts[5], "instance/") {
		return InstanceRef{}, fmt.Errorf("instance ARN %q: want arn:aws:connect:REGION:ACCOUNT:instance/ID", s)
	}
	id := strings.TrimPrefix(parts[5], "instance/")
	if id == "" || strings.Contains(id, "/") {
		return InstanceRef{}, fmt.Errorf("instance ARN %q: want arn:aws:connect:REGION:ACCOUNT:instance/ID", s)
	}
	return InstanceRef{ID: id, Region: parts[3]}, nil
}
