package sandbox

import "strings"

// Identity Store ListGroups (botocore 1.43's identitystore model): pages of
// whole Group objects, MaxResults 1 to 100, NextToken; Filters, deprecated
// (the model points to GetGroupId), holds at most one Filter, whose
// AttributePath for a group is DisplayName ("displayName" is taken too, as
// ListUsers takes "userName") and whose AttributeValue is required.
// Choices: a page holds 100 groups when MaxResults is left out; the filter
// matches the display name case-insensitively, as group names are unique.
func init() {
	identityStoreOps["ListGroups"] = operation{handle: isListGroups}
}

func (s *Sandbox) groupJSON(g *isGroup) map[string]any {
	out := map[string]any{"IdentityStoreId": s.storeID, "GroupId": g.ID, "DisplayName": g.DisplayName,
		"CreatedAt": epoch(g.created), "UpdatedAt": epoch(g.created)}
	if g.Description != "" {
		out["Description"] = g.Description
	}
	return out
}

func isListGroups(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		MaxResults      *int
		NextToken       string
		Filters         []struct {
			AttributePath  string
			AttributeValue string
		}
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	if len(in.Filters) > 1 {
		return nil, validation("1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	var name string
	if len(in.Filters) == 1 {
		f := in.Filters[0]
		switch {
		case f.AttributePath == "":
			return nil, validation("Filters.AttributePath is required")
		case f.AttributePath != "DisplayName" && f.AttributePath != "displayName":
			return nil, validation("Invalid AttributePath " + f.AttributePath + ": only DisplayName filters groups")
		}
		if e := checkString("filters.attributeValue", f.AttributeValue, true); e != nil {
			return nil, e
		}
		name = f.AttributeValue
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	groups := c.s.groupOrder
	if len(in.Filters) == 1 {
		groups = nil
		for _, g := range c.s.groupOrder {
			if strings.EqualFold(g.DisplayName, name) {
				groups = append(groups, g)
			}
		}
	}
	got, next, e := page(c, groups, func(g *isGroup) int64 { return g.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, g := range got {
		out = append(out, c.s.groupJSON(g))
	}
	return map[string]any{"Groups": out, "NextToken": next}, nil
}
