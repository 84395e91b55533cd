package auth

import "radsup/internal/domain"

// Action is what a user asks to do with a kind of record.
type Action string

// The actions the policy knows.
const (
	Read    Action = "read"    // see records (an institution user its own)
	Create  Action = "create"  // file a new record
	Update  Action = "update"  // change a record
	Retire  Action = "retire"  // retire or restore a record
	Reveal  Action = "reveal"  // see an ID number in full (audited)
	Dismiss Action = "dismiss" // dismiss (核销) or reopen a finding
	Import  Action = "import"  // file records from a workbook
	Export  Action = "export"  // take records away as a workbook
	Verify  Action = "verify"  // check the audit chain
	Manage  Action = "manage"  // accounts, the security policy
	Draw    Action = "draw"    // make a plan's frozen draw
	Sign    Action = "sign"    // sign an inspection record as one of its inspectors
	Respond Action = "respond" // answer a rectification for one's own institution
	Review  Action = "review"  // the legal review (法制审核) of a case
)

// The kinds of record the policy knows besides the register's entities
// (domain.Fields: institution, licence, person, employment, training,
// exam, dose, equipment, test).
const (
	Finding       = "finding"        // screening findings about institutions and equipment
	HealthFinding = "health_finding" // findings about people: they derive from exams and doses
	Directory     = "directory"      // the names of institutions, to bind an account to one
	Account       = "user"           // accounts
	SecurityPol   = "policy"         // the security policy
	AuditTrail    = "audit"          // the audit trail
	Token         = "token"          // one's own API tokens
	OwnAccount    = "account"        // one's own password and second factor
	Inspector     = "inspector"      // inspectors: 执法证号, active, recusals
	Plan          = "plan"           // inspection plans and their draws
	Overview      = "overview"       // the district's figures: register counts, top risks
	Inspection    = "inspection"     // on-site inspections, their items, evidence and amendments
	Rectification = "rectification"  // orders to correct (责令改正), their answers, evidence and documents
	Case          = "case"           // penalty cases (案件) and their decisions
	Notice        = "notice"         // notices (通知) to institutions, their deliveries and contacts
	ChangeRequest = "change_request" // an institution's request that the office change what it issued
	Submission    = "submission"     // an institution's register change waiting for review (机构提交需审核)
	ChangeFeed    = "change_feed"    // the office's feed of what institutions changed (机构变更动态)
)

// Decide is approving or rejecting a change request (the office's act).
const Decide Action = "decide"

// regulatorOwned are the records the office issues: an institution reads
// them and asks for changes (ChangeRequest), never makes them.
var regulatorOwned = map[string]bool{"licence": true}

// health are the records that are health data (PIPL sensitive personal
// information): exam conclusions, doses and what is derived from them.
var health = map[string]bool{"exam": true, "dose": true, HealthFinding: true}

// register are the register's entities and the findings about them.
var register = map[string]bool{
	"institution": true, "licence": true, "person": true, "employment": true, "training": true,
	"exam": true, "dose": true, "equipment": true, "test": true, Finding: true, HealthFinding: true,
}

// Can reports whether u may do a to records of the kind entity. It is the
// one answer to "may this user …": services ask it before they act, pages
// ask it before they offer a control. Which rows a user may touch is the
// store scope's business (an institution user sees its own institution's).
func Can(u *domain.User, a Action, entity string) bool {
	if u == nil {
		return false
	}
	if entity == OwnAccount {
		return a == Read || a == Update
	}
	if entity == Token {
		return BusinessRole(u.Role)
	}
	switch {
	case entity == Plan:
		// Plans and draws are public once published (一公开); the office
		// makes them.
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleViewer) ||
			u.Role == domain.RoleSupervisor && (a == Create || a == Update || a == Draw)
	case entity == Overview:
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleViewer)
	case entity == Inspection:
		// The office inspects; an institution reads its own once signed
		// (the store scope), a viewer reads them as it reads plans.
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleViewer || u.Role == domain.RoleInstitution) ||
			u.Role == domain.RoleSupervisor && (a == Create || a == Update || a == Sign)
	case entity == Rectification:
		// The office orders and confirms; an institution reads and answers
		// its own (the store scope).
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleInstitution) ||
			u.Role == domain.RoleSupervisor && (a == Create || a == Update) ||
			u.Role == domain.RoleInstitution && a == Respond
	case entity == Case:
		// The office handles cases; a viewer reads them as it reads
		// inspections; an institution reads its own once decided (the
		// store scope): the 决定书 is served on it.
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleViewer || u.Role == domain.RoleInstitution) ||
			u.Role == domain.RoleSupervisor && (a == Create || a == Update || a == Review || a == Export)
	case entity == Notice:
		// The office writes to institutions and follows the deliveries; an
		// institution reads its own (the store scope), marks them read and
		// says where it wants them.
		return a == Read && (u.Role == domain.RoleSupervisor || u.Role == domain.RoleInstitution) ||
			a == Create && u.Role == domain.RoleSupervisor || a == Update && u.Role == domain.RoleInstitution
	case entity == ChangeRequest:
		// The institution asks, the office decides; each reads the
		// requests it may (the institution its own, the store scope).
		return (a == Read || a == Create) && u.Role == domain.RoleInstitution ||
			(a == Read || a == Decide) && u.Role == domain.RoleSupervisor
	case entity == Submission:
		// The institution's changes wait, the office reviews them (and
		// turns review on or off); each reads those it may (the store scope).
		return a == Read && (u.Role == domain.RoleInstitution || u.Role == domain.RoleSupervisor) ||
			(a == Decide || a == Manage) && u.Role == domain.RoleSupervisor
	case entity == ChangeFeed:
		// The office follows what institutions change; an institution has
		// its own changes on its pages and in the review queue.
		return a == Read && u.Role == domain.RoleSupervisor
	case entity == Inspector:
		// Recusals name relatives and former employers: the office's own.
		return u.Role == domain.RoleSupervisor && (a == Read || a == Update)
	}
	switch u.Role {
	case domain.RoleSupervisor:
		return register[entity] && a != Verify && a != Manage && a != Draw && a != Sign && a != Respond && a != Review || entity == Directory && a == Read
	case domain.RoleInstitution:
		return institutionCan(a, entity)
	case domain.RoleViewer:
		// A viewer reads and exports what it reads, masked, without health data.
		return register[entity] && !health[entity] && (a == Read || a == Export) || entity == Directory && a == Read
	case domain.RoleAdmin:
		return entity == Account && (a == Read || a == Create || a == Update || a == Manage) ||
			entity == Directory && a == Read
	case domain.RoleSecurity:
		return entity == SecurityPol && (a == Read || a == Manage)
	case domain.RoleAuditor:
		return entity == AuditTrail && (a == Read || a == Export || a == Verify)
	}
	return false
}

// institutionCan is what an institution user may do: file and change its
// own institution's records, but not create or retire institutions, nor
// retire a person (the register of people is shared: an employer ends its
// own employment), nor dismiss findings (the office's acts).
func institutionCan(a Action, entity string) bool {
	if !register[entity] {
		return false
	}
	if regulatorOwned[entity] {
		return a == Read || a == Export
	}
	switch a {
	case Read, Update, Reveal, Import, Export:
		return true
	case Create:
		return entity != "institution" && entity != Finding && entity != HealthFinding
	case Retire:
		return entity != "institution" && entity != "person" && entity != Finding && entity != HealthFinding
	}
	return false
}

// RolesFor returns the roles that may do a to entity: the set a route or an
// endpoint declares, derived from Can so that the two cannot disagree.
func RolesFor(a Action, entity string) Roles {
	var out Roles
	for _, role := range domain.AllRoles {
		u := &domain.User{Role: role}
		if role == domain.RoleInstitution {
			u.InstitutionID = 1
		}
		if Can(u, a, entity) {
			out = append(out, role)
		}
	}
	return out
}

// SeesHealthData reports whether u may see health exam conclusions and
// doses (PIPL sensitive personal information): supervisors, and institution
// users for their own staff (the store scope limits them to those).
func SeesHealthData(u *domain.User) bool { return Can(u, Read, "exam") }

// SeesIDNumbers reports whether u sees ID and phone numbers unmasked in
// lists and exports without revealing them one by one.
func SeesIDNumbers(u *domain.User) bool { return Can(u, Reveal, "person") }
