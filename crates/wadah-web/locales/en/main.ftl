# Wadah portals, English. Every key here must also be in ../id/main.ftl (a test checks it).

site-name = City Services Portal
skip-to-content = Skip to content
nav-home = Home
nav-label = Main navigation
language-label = Language
language-switch = Bahasa Indonesia
language-switch-title = Show in Indonesian
footer-text = A catalogue of services from the Wadah registry. Sample data does not describe real services.

home-title = Every public service in one place
home-intro = Search the services of every city agency, or browse them by topic and by agency.
search-label = Search services
search-placeholder = for example: social assistance
search-button = Search
search-results-title = Search results for “{ $query }”
search-results-count = { $n ->
    [one] One service found
   *[other] { $shown } services found
}
search-fuzzy-note = Nothing matched exactly; these services have similar names.
search-none = No service matches “{ $query }”.
search-none-hint = Check the spelling or try other words, or browse by topic below.
search-too-long = The search is too long; use at most five words.

browse-topics = By topic
browse-agencies = By agency
all-services = All services
services-count = { $n ->
    [one] One service
   *[other] { $shown } services
}
topic-title = Topic: { $topic }
agency-title = Services of { $agency }
sample-badge = sample

service-what = About this service
service-who = Who can use it
service-requirements = Requirements
service-no-requirements = No particular requirements.
service-cost = Cost
service-duration = Time to complete
service-channel = How to access it
service-online = Apply online
service-office = Office address
service-agency = Provided by
service-topics = Topics
service-updated = Updated { $date }
service-not-stated = Not stated yet
service-sample-note = This is sample data for a demonstration, not a real service.

not-found-title = Page not found
not-found-text = The page or service you are looking for does not exist or has moved.
not-found-home = Back to the home page
error-title = Something went wrong
error-text = The catalogue cannot be read right now. Please try again in a moment.

topic-bantuan-sosial = Social assistance
topic-pengaduan = Complaints
topic-pendidikan = Education and training
topic-kepegawaian = Civil service staffing
topic-pelatihan = Training
topic-disabilitas = Disability
topic-keluarga = Family
topic-pekerjaan = Work

## Developer portal, link checks and feedback (devportal)
dev-title = Developer portal
dev-intro = The directory of APIs published by agencies. Call an API through the Wadah gateway with your application's credential once you have been granted access.
dev-search-label = Search APIs
dev-services-count = { $n ->
    [one] One API
   *[other] { $shown } APIs
}
dev-none = No API has been published yet.
dev-next-page = Next page
dev-no-document-short = no OpenAPI document
dev-class-terbuka = Open data
dev-class-terbatas = Restricted data
dev-class-rahasia = Secret data
dev-crumbs = You are here
dev-how-to-call = How to call it
dev-base-url = Address through the gateway
dev-classification = Data classification
dev-auth-apikey = API key
dev-auth-apikey-how = send your application's key in the header
dev-auth-oauth = OAuth2 client credentials
dev-auth-oauth-how = request an access token at
dev-access-note = Access is denied by default: your application needs a right from the providing agency for this service.
dev-download = Download the OpenAPI document
dev-operations = Operations
dev-operations-count = { $n ->
    [one] one operation
   *[other] { $shown } operations
}
dev-truncated = This document is too large or too deep to show in full; download the complete document.
dev-untagged = Other
dev-deprecated = deprecated
dev-parameters = Parameters
dev-col-name = Name
dev-col-in = In
dev-col-type = Type
dev-col-required = Required
dev-col-description = Description
dev-col-field = Field
dev-yes = yes
dev-no = no
dev-example = Example
dev-request-body = Request body
dev-required = required
dev-responses = Responses
dev-no-document = The providing agency has not published an OpenAPI document for this service yet.
link-broken-badge = Link problem
link-broken-title = The online link is currently not working
link-broken-text = The last automatic check on { $date } failed. You can still try it, or visit the service office.
link-failing-since = Failing since { $date }.
link-reason-status = The site answered with error code { $shown }.
link-reason-timeout = The site did not answer in time.
link-reason-unreachable = The site could not be reached.
link-reason-tls = The site's security certificate is not valid.
link-reason-redirects = The site redirects too often or to an invalid address.
link-ok = Link checked { $date }: working.
link-unchecked = Wadah has not checked this link yet.
feedback-title = Give feedback
feedback-intro = Your rating helps the agency improve the service. No account needed. Comments are read only by the agency that runs the service and are not shown here; do not write personal data.
feedback-aggregate = User satisfaction
feedback-mean = Average { $shown } out of 5
feedback-ratings-count = { $n ->
    [one] from one rating
   *[other] from { $shown } ratings
}
feedback-none = No ratings yet.
feedback-rating-legend = How satisfied are you with this service? (optional)
feedback-rating-1 = 1 — very unsatisfied
feedback-rating-2 = 2 — unsatisfied
feedback-rating-3 = 3 — neutral
feedback-rating-4 = 4 — satisfied
feedback-rating-5 = 5 — very satisfied
feedback-comment-label = Comment (optional, at most 1,000 characters)
feedback-submit = Send feedback
feedback-thanks = Thank you, we have received your feedback.
feedback-error-summary = Your feedback was not sent. Check the marked fields.
feedback-error-rating = Choose a value from 1 to 5.
feedback-error-comment-long = A comment has at most 1,000 characters.
feedback-error-comment-invalid = The comment contains characters that are not allowed.
feedback-error-empty = Give a rating, a comment or both.
feedback-error-expired = This form has expired or is not valid. Please send it once more.
feedback-error-rate = Too much feedback in a short time. Please try again later.
# ---------------------------------------------------------------------------------------------
# Console (/console): administration. Kept in one block at the end of the file.
# ---------------------------------------------------------------------------------------------
console-name = Wadah Console
console-nav-label = Console navigation
console-nav-home = Home
console-nav-agencies = Agencies
console-nav-requests = Access requests
console-nav-evidence = Evidence log
console-nav-changes = Change log
console-nav-users = Users
console-sign-out = Sign out
console-footer = Wadah administration console. Every change is recorded in the change log.
console-required = required
console-back-home = Back to the console home
console-next-page = Next page
console-empty = Nothing here yet.
console-yes = Yes
console-no = No
console-search = Search
console-save = Save
console-cancel = Cancel
console-edit = Edit
console-enabled = Enabled
console-disabled = Disabled

console-sign-in-title = Sign in to the console
console-sign-in-intro = Sign in with your Wadah account to manage agencies, applications and services.
console-username = Username
console-password = Password
console-sign-in = Sign in
console-sign-in-failed = Wrong username or password.
console-sign-in-throttled = Too many failed sign-in attempts. Wait a few minutes, then try again.

console-forged-title = Request refused
console-forged-text = This form was not sent from a genuine console page, or your session has changed. Reload the page and try again.
console-bad-form-title = The request could not be read
console-bad-form-text = What was sent is incomplete or too large.
console-unavailable-text = The console cannot read its data right now. Please try again in a moment.
console-not-found-text = What you are looking for does not exist or you may not see it.
console-forbidden-title = Access denied
console-forbidden-text = Your role does not allow this action.
console-conflict-title = Could not be saved
console-conflict-text = This change is not possible in the object's current state.
console-stale-text = Someone else has just changed this object. Reload the page to see the latest version, then make your change again.
console-form-has-errors = Please check the following

console-role-platform_admin = Platform admin
console-role-agency_admin = Agency admin
console-role-developer = Developer
console-role-auditor = Auditor
console-role-evaluator = Evaluator
console-method-local = local account
console-method-oidc = single sign-on (SSO)

console-home-title = Welcome, { $name }
console-home-intro-platform_admin = You manage the whole platform: every agency, application, service and user.
console-home-intro-agency_admin = You manage your agency's applications, services and access requests.
console-home-intro-developer = You can see your agency and act for your application.
console-home-intro-auditor = You can read the registry, the change log and the evidence log (read-only).
console-home-intro-evaluator = You can read the registry and the change log (read-only).
console-col-role = Role
console-col-scope = Scope
console-scope-all = All agencies
console-signed-in-with = Signed in with
console-home-agencies = Agencies in your scope
console-home-pending = Access requests waiting for your decision
console-home-nothing-pending = No requests are waiting.

console-agencies-title = Agencies
console-applications-title = Applications
console-services-title = API services
console-col-name = Name
console-col-code = Code
console-col-government = Government
console-col-agency = Agency
console-col-audience = Audience
console-col-stage = Lifecycle stage
console-col-visibility = Visibility
console-col-updated = Last changed
console-col-service = Service
console-col-consumer = Requester
console-col-status = Status
console-col-created = Requested
console-new-application = Register a new application
console-edit-application = Edit application
console-new-service = Add an API service
console-edit-service = Edit API service
console-back-agency = Back to the agency
console-back-application = Back to the application
console-gateway-path = Gateway address
console-openapi = OpenAPI document

console-audience-public = The public
console-audience-asn = Civil servants
console-audience-internal = Internal
console-stage-plan = Planned
console-stage-phase-in = Phase-in
console-stage-active = Active
console-stage-phase-out = Phase-out
console-stage-end-of-life = End of life
console-visibility-public = Other agencies may request it
console-visibility-internal = Own agency only
console-kind-umum = Common application
console-kind-khusus = Specific application
console-classification-terbuka = Open
console-classification-terbatas = Restricted
console-classification-rahasia = Secret

console-field-code = Code
console-field-name = Name
console-field-description = Description
console-field-kind = Kind of application
console-field-audience = Audience
console-field-lifecycle_stage = Lifecycle stage
console-field-lifecycle_active = Active since
console-field-raa_code = Application reference architecture code (RAA)
console-field-business_owner = Business owner
console-field-technical_contact = Technical contact
console-field-url = Application address (URL)
console-field-upstream_url = Upstream base address (URL)
console-field-visibility = Visibility
console-field-classification = Data classification
console-field-timeout_ms = Timeout (milliseconds)
console-field-default_limit_per_minute = Requests per minute limit
console-field-openapi = OpenAPI document (YAML or JSON)
console-hint-code = 2–32 lower-case letters, digits or hyphens, e.g. simpeg. Cannot change once saved.
console-hint-date = Format YYYY-MM-DD.
console-hint-raa = Example: RAA.02.01. May be left empty.
console-hint-upstream = The provider's http or https address, e.g. https://simpeg.bontangkota.go.id/api/
console-hint-openapi = May be left empty. Shown in the developer portal.
console-hint-reason = Required when rejecting; shown to the requester.
console-hint-consumer = agency or agency/application, e.g. dinsos/e-bansos
console-hint-service = agency, agency/application or agency/application/service

console-invalid = This value is not valid.
console-invalid-code = A code has 2–32 characters: lower-case letters, digits or hyphens, starting with a letter or digit.
console-invalid-name = A name is required: at most 200 characters on one line.
console-invalid-description = A description has at most 4,000 characters.
console-invalid-kind = Choose the kind of application.
console-invalid-audience = Choose the audience.
console-invalid-lifecycle_stage = Choose the lifecycle stage.
console-invalid-lifecycle_active = The date is not valid or the stage dates go backwards. Use the format YYYY-MM-DD.
console-invalid-raa_code = A reference code looks like RAA.02.01.
console-invalid-business_owner = At most 300 characters on one line.
console-invalid-technical_contact = At most 300 characters on one line.
console-invalid-url = Enter a complete http or https address, without a username or password.
console-invalid-upstream_url = Enter a complete http or https address, without a username or password.
console-invalid-visibility = Choose the visibility.
console-invalid-classification = Choose the data classification.
console-invalid-timeout_ms = The timeout is a whole number from 100 to 120,000.
console-invalid-default_limit_per_minute = The limit is a whole number from 1 to 1,000,000.
console-invalid-openapi = The document must be a valid OpenAPI 3 document in YAML or JSON, at most 1 MB.
console-invalid-reason = Give a reason for the rejection (at most 300 characters).
console-duplicate-code = This code is already taken. Choose another one.

console-requests-title = Access requests
console-requests-intro = Requests for access rights to services that involve your agency, as provider or requester.
console-request-title = Access request
console-status-pending = Waiting for a decision
console-status-approved = Approved
console-status-rejected = Rejected
console-status-withdrawn = Withdrawn
console-purpose = Purpose
console-legal-basis = Legal basis
console-reason = Reason
console-decided-by = Decided by
console-open-service = View the service
console-open-consumer = View the requesting application
console-decision-heading = Decision
console-approve = Approve
console-reject = Reject

console-evidence-title = Evidence log
console-evidence-intro = Search the exchanges that passed through the gateway. Times are in WITA (UTC+8). Message bodies are not kept, only their digests.
console-evidence-request_id = Request id
console-evidence-consumer = Consumer
console-evidence-service = Service
console-evidence-from = From
console-evidence-to = To
console-evidence-bad-time = The time is not valid. Give a complete date and time.
console-evidence-bad-query = The search is not valid: check the consumer and service codes, and that "from" is before "to".
console-evidence-results = Results
console-evidence-none = No exchange matches.
console-evidence-open = in progress
console-evidence-col-time = Time (WITA)
console-evidence-col-request_id = Request id
console-evidence-col-consumer = Consumer
console-evidence-col-service = Service
console-evidence-col-call = Call
console-evidence-col-status = Status
console-evidence-col-ms = Duration (ms)

console-changes-title = Change log
console-changes-col-time = Time (WITA)
console-changes-col-actor = By
console-changes-col-action = Action
console-changes-col-kind = Kind of object
console-changes-col-key = Object
console-action-create = created
console-action-update = changed
console-action-delete = deleted

console-users-title = Users
console-users-col-username = Username
console-users-col-name = Name
console-users-col-role = Role
console-users-col-agency = Agency
console-users-col-state = State
# SPBE index report (self-assessment)
spbe-report-title = SPBE Index Report
spbe-report-status = Status
spbe-report-status-draft = Draft
spbe-report-status-submitted = Submitted
spbe-report-status-evaluated = Evaluated
spbe-report-status-final = Final
spbe-report-summary = Summary
spbe-report-self = Self-assessment
spbe-report-evaluator = Evaluator
spbe-report-incomplete = Not every indicator has a claimed level yet; indicators without a claim count as level 0.
spbe-report-domains = Domains
spbe-report-domain = Domain
spbe-report-aspects = Aspects
spbe-report-aspect = Aspect
spbe-report-indicators = Indicators
spbe-report-indicator = Indicator
spbe-report-number = No.
spbe-report-weight = Weight
spbe-report-claimed = Claimed level
spbe-report-evidence = Evidence
spbe-report-missing = evidence missing for level
spbe-report-history = History
spbe-report-year = Year
spbe-report-index = Index
spbe-report-predicate = Predicate
spbe-report-source = Source
spbe-report-source-published = KemenPANRB evaluation result
spbe-report-source-self = Self-assessment
spbe-report-source-evaluator = Evaluator's result
spbe-report-peers = Comparison with published results
spbe-report-rank-national = National rank
spbe-report-rank-kind = Rank among the same kind
spbe-report-published-standing = Published result
spbe-report-assessed-standing = This assessment
spbe-report-standing = { $rank } of { $of } (above { $percentile }%)
spbe-report-province = Province
spbe-report-body = Body
spbe-report-peers-note = Ranks come from the published indices; equal indices share a rank. The percentile is the share of bodies with a lower index.

## Single sign-on (sso/)
sso-sign-in-with = Sign in with { $name }
sso-or-local = Or sign in with a local Wadah account
sso-providers-label = Sign in with an identity provider
sso-unavailable-title = The identity provider cannot be reached
sso-unavailable-text = The identity provider cannot be reached right now. Try again in a moment; administrators can still sign in with a local account.
sso-failed-title = Sign-in failed
sso-failed-text = The identity provider's answer could not be accepted. Start signing in again.
sso-state-text = This sign-in has expired, was already used, or was started in another browser. Start signing in again.
sso-denied-text = The identity provider did not allow this sign-in.
sso-disabled-text = Your Wadah account is disabled. Contact an administrator.
