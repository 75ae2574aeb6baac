package importer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
)

// The Identity Center columns (title, department, employee number, cost
// center, organization, division, manager) are the Identity Center user's
// Title and the members of its aws:identitystore:enterprise extension
// (SCIM's enterprise user: employeeNumber, costCenter, organization,
// division, department, manager.value). The manager column holds the
// manager's user login; the store holds the manager's user id.
//
// The order of managers: a manager is a row of the file or a user the
// identity store has already; any other login is a problem of the row,
// found by the plan. A user is created with its manager when the
// manager's id is known by then (in the store already, or made earlier in
// this run). Otherwise it is created without one, and whichever of the two
// users is made second links them: the manager's row, once its user is
// made, sets the manager of each user made before it that named it (one
// UpdateUser each), so no row waits for another and the file's order does
// not matter. A manager whose row fails leaves its reports without a
// manager, with a warning in the summary; import --update --sso sets them
// once it exists.

// EnterpriseExtension is the one extension name the identity store has.
const EnterpriseExtension = "aws:identitystore:enterprise"

// enterpriseMembers are the extension's members, by the column that
// gives each (the manager apart: an object with the id as its value).
var enterpriseMembers = []struct {
	col    agentfile.Column
	member string
}{
	{agentfile.ColEmployeeNumber, "employeeNumber"},
	{agentfile.ColCostCenter, "costCenter"},
	{agentfile.ColOrganization, "organization"},
	{agentfile.ColDivision, "division"},
	{agentfile.ColDepartment, "department"},
}

// ssoValue is an agent's value of an Identity Center column.
func ssoValue(a *agentfile.SSOAttributes, c agentfile.Column) string {
	if a == nil {
		return ""
	}
	switch c {
	case agentfile.ColTitle:
		return a.Title
	case agentfile.ColDepartment:
		return a.Department
	case agentfile.ColEmployeeNumber:
		return a.EmployeeNumber
	case agentfile.ColCostCenter:
		return a.CostCenter
	case agentfile.ColOrganization:
		return a.Organization
	case agentfile.ColDivision:
		return a.Division
	case agentfile.ColManager:
		return a.Manager
	}
	return ""
}

// enterpriseDocument is the extension's document for an agent's
// attributes, with managerID as the manager ("" none); nil when it has no
// member.
func enterpriseDocument(a *agentfile.SSOAttributes, managerID string) map[string]any {
	doc := map[string]any{}
	for _, m := range enterpriseMembers {
		if v := ssoValue(a, m.col); v != "" {
			doc[m.member] = v
		}
	}
	if managerID != "" {
		doc["manager"] = map[string]any{"value": managerID}
	}
	if len(doc) == 0 {
		return nil
	}
	return doc
}

// storeAttributes reads a user's Title and enterprise extension: the
// attributes (Manager left blank) and the manager's user id.
func storeAttributes(title *string, ext map[string]document.Interface) (agentfile.SSOAttributes, string) {
	out := agentfile.SSOAttributes{Title: aws.ToString(title)}
	var managerID string
	if d, ok := ext[EnterpriseExtension]; ok && d != nil {
		var doc map[string]any
		if err := d.UnmarshalSmithyDocument(&doc); err == nil {
			str := func(k string) string { s, _ := doc[k].(string); return s }
			out.EmployeeNumber, out.CostCenter = str("employeeNumber"), str("costCenter")
			out.Organization, out.Division, out.Department = str("organization"), str("division"), str("department")
			if m, ok := doc["manager"].(map[string]any); ok {
				managerID, _ = m["value"].(string)
			}
		}
	}
	return out, managerID
}

// managerRef is what the run knows of a manager login.
type managerRef struct {
	id string // the manager's user id; "" while not known
	// row: a valid row of the file makes (or reuses) this user.
	row bool
	// waiting are the users made before their manager's id was known,
	// to be linked once it is.
	waiting []waitingReport
}

// waitingReport is a user made without its manager.
type waitingReport struct {
	line   int
	login  string
	userID string
}

// planManagers finds each valid row's manager: a row of the file, or a
// user of the store (the listing, else GetUserId); a login that is neither
// makes its rows invalid.
func (ic *IdentityCenter) planManagers(ctx context.Context, f *agentfile.File, plan *Plan, l *storeListing) error {
	ic.managers = map[string]*managerRef{}
	byLogin := map[string]*PlannedRow{}
	for i := range plan.Rows {
		if pr := &plan.Rows[i]; pr.Action != ActionInvalid && pr.Agent != nil {
			byLogin[strings.ToLower(pr.Agent.Login)] = pr
		}
	}
	for i := range plan.Rows {
		pr := &plan.Rows[i]
		if pr.Action == ActionInvalid || pr.Agent == nil || pr.Agent.SSO == nil || pr.Agent.SSO.Manager == "" {
			continue
		}
		key := strings.ToLower(pr.Agent.SSO.Manager)
		ref, ok := ic.managers[key]
		if !ok {
			ref = &managerRef{}
			switch m, inFile := byLogin[key]; {
			case inFile:
				ref.row = true
				if rp := ic.rows[m.Row.Line]; rp != nil && rp.user == present {
					ref.id = rp.userID
				}
			default:
				if u, listed := l.users[key]; listed {
					ref.id = u.id
				} else if !l.usersComplete {
					id, found, err := ic.findUser(ctx, pr.Agent.SSO.Manager)
					if err != nil {
						return err
					}
					if found {
						ref.id = id
					}
				}
			}
			ic.managers[key] = ref
		}
		if !ref.row && ref.id == "" {
			pr.Action = ActionInvalid
			pr.Problems = append(pr.Problems, agentfile.Problem{Line: pr.Row.Line, Column: f.ColumnName(agentfile.ColManager), Value: pr.Agent.SSO.Manager,
				Message: fmt.Sprintf("manager %q is neither a user login of this file nor an IAM Identity Center user", pr.Agent.SSO.Manager),
				Hint:    "write the manager's user login as its row or IAM Identity Center has it, or leave the cell blank"})
		}
	}
	return nil
}

// managerOf gives the id of a row's manager when known, and whether the
// row names one. A user made without it must call waitFor once made.
func (ic *IdentityCenter) managerOf(a *agentfile.Agent) (id string, named bool) {
	if a.SSO == nil || a.SSO.Manager == "" {
		return "", false
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	if ref := ic.managers[strings.ToLower(a.SSO.Manager)]; ref != nil {
		return ref.id, true
	}
	return "", true
}

// waitFor records a user made without its manager's id. When the id has
// become known meanwhile, it gives it: the caller links them itself.
func (ic *IdentityCenter) waitFor(manager string, w waitingReport) (managerID string) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ref := ic.managers[strings.ToLower(manager)]
	if ref == nil {
		ref = &managerRef{}
		ic.managers[strings.ToLower(manager)] = ref
	}
	if ref.id != "" {
		return ref.id
	}
	ref.waiting = append(ref.waiting, w)
	return ""
}

// userKnown records the id of a row's user, made or reused, and links the
// users made before it that named it as their manager.
func (ic *IdentityCenter) userKnown(ctx context.Context, login, id string) {
	ic.mu.Lock()
	ref := ic.managers[strings.ToLower(login)]
	if ref == nil || ref.id != "" {
		ic.mu.Unlock()
		return
	}
	ref.id = id
	waiting := ref.waiting
	ref.waiting = nil
	ic.mu.Unlock()
	for _, w := range waiting {
		ic.linkManager(ctx, w, login, id)
	}
}

// linkManager sets the manager of a user made without one; a failure is a
// warning of the summary (import --update --sso sets it later).
func (ic *IdentityCenter) linkManager(ctx context.Context, w waitingReport, manager, managerID string) {
	api, ok := ic.store.(IdentityStoreUpdater)
	var err error
	if !ok {
		err = fmt.Errorf("this client cannot update identity center users")
	} else {
		_, err = api.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: aws.String(ic.StoreID), UserId: aws.String(w.userID),
			Operations: []istypes.AttributeOperation{{AttributePath: aws.String(EnterpriseExtension + ".manager.value"), AttributeValue: document.NewLazyDocument(managerID)}}})
	}
	if err != nil {
		ic.warn(nil, fmt.Sprintf("warning: line %d: %s: its manager %s was not set in IAM Identity Center (%s);\n"+
			"  run import --update --sso with the file again to set it", w.line, w.login, manager, ErrText(awsclient.Short(err))))
		return
	}
	ic.managersLinked.Add(1)
}

// unlinked are the warnings of the users still waiting for a manager whose
// row made no user (its row failed or was not run).
func (ic *IdentityCenter) unlinked() []string {
	type left struct {
		w       waitingReport
		manager string
	}
	var all []left
	for login, ref := range ic.managers {
		for _, w := range ref.waiting {
			all = append(all, left{w, login})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].w.line < all[j].w.line })
	out := make([]string, len(all))
	for i, l := range all {
		out[i] = fmt.Sprintf("warning: line %d: %s: its manager %s was not set in IAM Identity Center: that user was not made;\n"+
			"  once it is, run import --update --sso with the file again to set it", l.w.line, l.w.login, l.manager)
	}
	return out
}
