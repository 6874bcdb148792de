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
