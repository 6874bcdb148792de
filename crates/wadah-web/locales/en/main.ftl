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
