package sandbox

import (
	"net/http"
	"regexp"
)

// The model's ApplicationArn pattern.
var applicationARNPattern = regexp.MustCompile(`^arn:aws(-[a-z]{1,5}){0,3}:sso::\d{12}:application/(sso)?ins-[a-zA-Z0-9-.]{16}/apl-[a-zA-Z0-9]{16}$`)

var ssoAdminOps = map[string]operation{
	"ListInstances":               {handle: ssoListInstances},
	"ListApplications":            {handle: ssoListApplications},
	"CreateApplicationAssignment": {handle: ssoCreateApplicationAssignment, mutating: true},
	"ListApplicationAssignments":  {handle: ssoListApplicationAssignments},
}

func ssoNotFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException", message: msg}
}

func ssoListInstances(c *call) (any, *apiError) {
	var in struct {
		MaxResults *int
		NextToken  string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if _, e := c.maxResults(in.MaxResults, 100, 1, 100); e != nil {
		return nil, e
	}
	return map[string]any{"Instances": []map[string]any{{
		"InstanceArn":     c.s.SSOInstanceARN(),
		"IdentityStoreId": c.s.storeID,
		"OwnerAccountId":  Account,
		"Name":            "sandbox",
		"CreatedDate":     epoch(c.s.created),
		"Status":          "ACTIVE",
	}}}, nil
}

func (c *call) application(arn string) *apiError {
	if arn == "" {
		return validation("ApplicationArn is required")
	}
	if e := checkPattern("applicationArn", arn, applicationARNPattern); e != nil {
		return e
	}
	if arn != c.s.appARN {
		return ssoNotFound("Application not found: " + arn)
	}
	return nil
}

func ssoListApplications(c *call) (any, *apiError) {
	var in struct {
		InstanceArn string
		MaxResults  *int
		NextToken   string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.InstanceArn == "" {
		return nil, validation("InstanceArn is required")
	}
	if in.InstanceArn != c.s.SSOInstanceARN() {
		// SSO Admin answers an unknown instance with an access error.
		return nil, &apiError{status: http.StatusForbidden, code: "AccessDeniedException", message: "User is not authorized to perform this action on instance " + in.InstanceArn}
	}
	if _, e := c.maxResults(in.MaxResults, 100, 1, 100); e != nil {
		return nil, e
	}
	return map[string]any{"Applications": []map[string]any{{
		"ApplicationArn":         c.s.appARN,
		"ApplicationProviderArn": "arn:aws:sso::aws:applicationProvider/connect",
		"Name":                   "Amazon Connect",
		"ApplicationAccount":     Account,
		"InstanceArn":            c.s.SSOInstanceARN(),
		"Status":                 "ENABLED",
		"PortalOptions": map[string]any{
			"SignInOptions": map[string]any{"Origin": "APPLICATION", "ApplicationUrl": "https://" + c.s.instanceAlias + ".my.connect.aws/"},
			"Visibility":    "ENABLED",
		},
		"Description": "Amazon Connect instance " + c.s.instanceAlias,
		"CreatedDate": epoch(c.s.created),
		"CreatedFrom": c.s.region,
	}}}, nil
}

func ssoCreateApplicationAssignment(c *call) (any, *apiError) {
	var in struct {
		ApplicationArn string
		PrincipalId    string
		PrincipalType  string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if e := c.application(in.ApplicationArn); e != nil {
		return nil, e
	}
	if e := checkResourceID("principalId", in.PrincipalId); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	switch in.PrincipalType {
	case "USER":
		if c.s.isUsers[in.PrincipalId] == nil {
			return nil, ssoNotFound("Principal not found: " + in.PrincipalId)
		}
	case "GROUP":
		if c.s.groups[in.PrincipalId] == nil {
			return nil, ssoNotFound("Principal not found: " + in.PrincipalId)
		}
	default:
		return nil, validation("PrincipalType must be USER or GROUP")
	}
	for _, a := range c.s.assignments {
		if a.ApplicationARN == in.ApplicationArn && a.PrincipalID == in.PrincipalId {
			return nil, &apiError{status: http.StatusConflict, code: "ConflictException", message: "The principal is already assigned to the application"}
		}
	}
	c.s.assignments = append(c.s.assignments, &assignment{Assignment: Assignment{ApplicationARN: in.ApplicationArn, PrincipalID: in.PrincipalId, PrincipalType: in.PrincipalType}, seq: c.s.nextSeq()})
	return nil, nil
}

func ssoListApplicationAssignments(c *call) (any, *apiError) {
	var in struct {
		ApplicationArn string
		MaxResults     *int
		NextToken      string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if e := c.application(in.ApplicationArn); e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	got, next, e := page(c, c.s.assignments, func(a *assignment) int64 { return a.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, a := range got {
		out = append(out, map[string]any{"ApplicationArn": a.ApplicationARN, "PrincipalId": a.PrincipalID, "PrincipalType": a.PrincipalType})
	}
	return map[string]any{"ApplicationAssignments": out, "NextToken": next}, nil
}
