# orgmap's messages in English. Every key here is in zh-CN/orgmap.ftl too
# (a test checks it). Codes, enum values and names are arguments, never
# translated.

## Shared parts

# A named thing: a region, category, department or kind, with its code.
named = { $name } ({ $code })
either-or = { $first } or { $second }

## Errors: the frame and the generic ones

error-field = { $field }: { $reason }
error-internal = internal error
error-concurrent-write = another record with the same natural key was written at the same time; try again

## Values: credit codes, region codes, codes, names, text

credit-code-length = a credit code has 18 characters, { $count } given
credit-code-character = character '{ $character }' at position { $position } is not allowed; a credit code uses 0-9 and A-Z without I, O, S, V, Z
credit-code-check = check character is '{ $given }' but the first 17 characters give '{ $expected }'
region-code-shape = '{ $code }' is not a region code; a region code is 6 digits (province, city, county) or 9 digits (township, subdistrict)
region-code-length = a { $level } code has { $digits } digits, '{ $code }' has { $given }
region-shape-province = two digits followed by 0000
region-shape-city = four digits followed by 00
region-shape-county = six digits not ending in 00
region-shape-township = nine digits not ending in 000
region-code-level-shape = a { $level } code is { $shape }; '{ $code }' is not
region-needs-parent = a { $level } needs a parent of level { $parents }
region-province-has-no-parent = a PROVINCE has no parent
region-wrong-parent-level = a { $level } sits under a { $parents }, not under a { $parent }
region-code-prefix = '{ $code }' must begin with the first { $digits } digits of its parent '{ $parent }'
region-no-level = no level
level-province = PROVINCE
level-city = CITY
level-county = COUNTY
level-township = TOWNSHIP
level-subdistrict = SUBDISTRICT
text-blank = must not be blank
text-too-long = must be at most { $max } characters, { $given } given
text-control-characters = must not contain control characters
code-character = character '{ $character }' is not allowed; codes use ASCII letters, digits, '_', '-' and '.'
party-status-unknown = '{ $value }' is not one of OWN, JOINT, NONE
party-members-range = must be between 0 and { $max }, { $given } given
role-unknown = '{ $value }' is not a role; use viewer, editor or admin
region-level-unknown = '{ $value }' is not one of PROVINCE, CITY, COUNTY, TOWNSHIP, SUBDISTRICT
dataset-unknown = '{ $value }' is not one of regions, departments, categories, rules, organizations, rectifications
format-unknown = '{ $value }' is not one of csv, jsonl
contact-phone = may hold only digits, spaces and + - ( )
contact-email = '{ $email }' is not an email address
contacts-too-many = at most { $max } contacts, { $given } given
contacts-not-json = must be a JSON list of contacts, each {"{"}"name": …, "title": …, "phone": …, "email": …{"}"}
page-negative = must not be negative
page-too-large = must be at most { $max }, { $given } given
page-bad-cursor = not a cursor this API gave out

## Lookups by natural key

region-not-found = no region has code '{ $code }'
category-not-found = no category has code '{ $code }'
department-not-found = no department has code '{ $code }'
kind-not-found = no department kind has code '{ $code }'
token-not-found = no token is named '{ $name }'
download-not-found = no download is called '{ $file }'; try /export/organizations.csv or /export/regions.jsonl

## Rules of the domain

region-moved = region { $code } exists as a { $level } and keeps its level and parent; in GB/T 2260 a region that moves gets a new code
credit-code-type-invalid = '{ $value }' is not a credit-code type: two characters of 0-9 and A-Z without I, O, Z, S and V, e.g. 51
metrics-need-unbound-token = metrics cover every region: they need a token that is not bound to a region
category-cycle = { $parent } is { $code } itself or lies below it; the category tree must stay a tree
administering-not-above = { $admin } is neither the organization's region { $region } nor a region above it
administering-stale = the stored administering region is not above the new region { $region }; give administeringRegionCode too
department-kind-taken = region { $region } already has a { $kind } department: { $holder }; a region has one department of each kind
fallback-taken = region { $region } already has a fallback department: { $holder }; a region has at most one department of a FALLBACK-role kind
fallback-role-taken = region { $region } already has a fallback department: { $holder }; making { $kind } a FALLBACK-role kind would make its department { $department } a second one; a region has at most one department of a FALLBACK-role kind
token-name-taken = a token named '{ $name }' exists; names stay taken after revocation so the audit trail stays unambiguous
demo-not-empty = the database already holds regions; the demo fills an empty database
demo-kind-missing = department kind { $kind } is missing; the demo needs the seed's kinds
demo-category-missing = category { $code } is missing; the demo needs the seed's categories

## Access

auth-no-credentials = this request carries no credentials
auth-bad-header = the Authorization header must be 'Bearer <token>'
auth-token-needed = this service needs an API token: send 'Authorization: Bearer <token>'
token-invalid = the token is not valid: it is unknown or has been revoked
forbidden-role = this needs the { $role } role; the token '{ $token }' is a { $has }
forbidden-everywhere = { $what } belong to the whole database; a token bound to a region cannot change them
forbidden-outside-region = this is outside the region your token is bound to
what-categories = categories
what-kinds = department kinds
what-provinces = provinces
what-global-rules = rules that hold everywhere
what-unbound-tokens = unbound tokens

## Import and export

import-row-error = line { $line }: { $reason }
import-row-error-column = line { $line }, { $column }: { $reason }
import-outside-region = outside your region
import-duplicate-key = duplicate key '{ $key }': the file gives it on line { $first } already
upload-unreadable = the uploaded file cannot be read
export-csv-row = a row cannot be written as CSV
cell-not-boolean = '{ $value }' is not true or false
cell-not-integer = '{ $value }' is not a whole number
cell-not-text = must be text, not a list or an object
file-line-too-long = a line is longer than { $max } bytes
file-record-too-long = is longer than { $max } bytes
file-unreadable = the file cannot be read (in the encoding given)
file-bad-csv-record = is not a well-formed CSV record
file-not-utf8 = line is not valid UTF-8; for a GB18030 or GBK file, give the encoding gb18030
file-header-twice = the header names column '{ $column }' twice
file-header-unknown = the header names an unknown column '{ $column }'; the columns are { $columns }
file-field-count = has { $given } fields but the header has { $header }
file-not-json-object = is not a JSON object
file-bad-json = is not valid JSON ({ $detail })
file-key-unknown = is not a column of this file; the columns are { $columns }

## Limits and refusals of GraphQL over HTTP

limit-tokens = the query has more than { $max } tokens, the most this service accepts
limit-aliases = the query uses { $given } aliases; at most { $max } are allowed
limit-depth = Query is nested too deep: at most { $max } levels are allowed
limit-complexity = Query is too complex: its complexity may be at most { $max }
limit-errors-omitted = { $count ->
    [one] { $count } more error not shown
   *[other] { $count } more errors not shown
}
http-body-not-utf8 = the request body must be UTF-8
http-multipart-preflight = a multipart request must carry a 'GraphQL-Require-Preflight: 1' header
http-content-type = send the request as 'Content-Type: application/json'
http-query-string = the query string is not well-formed
http-parameter-object = `{ $name }` must be a JSON object
http-parameter-string = `{ $name }` must be a string
http-no-query = the request has no `query`
http-mutation-over-get = mutations are only accepted over POST
http-timeout = the request ran longer than { $seconds } s and was stopped; nothing it began was written
http-not-acceptable = this endpoint answers application/json or application/graphql-response+json
http-body-too-large = the request body is larger than { $max } bytes
http-body-unreadable = the request body could not be read
http-body-empty = the request body is empty; send {"{"}"query": "…"{"}"}
http-body-not-json = the request body is not valid JSON: { $detail }
http-body-not-object = the request body must be a JSON object
http-batch-empty = the batch is empty
http-batch-too-large = a batch may hold at most { $max } operations
http-batch-too-many = a batch may hold at most { $max } operations, { $given } given
http-batch-item-not-object = each operation of a batch must be a JSON object
http-multipart-operations = the multipart request's operations are not a GraphQL request
http-multipart-map = the multipart request's map is not valid
http-multipart-malformed = the multipart request is not well-formed

## Explanations: who is responsible, step by step

basis-party-affiliation = PARTY_AFFILIATION
basis-supervising-unit = SUPERVISING_UNIT
basis-rule = RULE
basis-fallback = FALLBACK
basis-none = NONE
explain-affiliation-decides = 1. Party affiliation (党组织关系隶属): the party organization is affiliated with { $department }, which decides.
explain-affiliation-none = 1. Party affiliation (党组织关系隶属): none recorded.
explain-supervising-none = 2. Supervising unit (业务主管单位): none recorded.
explain-supervising-decides = 2. Supervising unit (业务主管单位): { $department } (谁主管、谁负责), which decides.
explain-supervising-same = 2. Supervising unit (业务主管单位): { $department }, the same department; no contest.
explain-supervising-contests = 2. Supervising unit (业务主管单位): { $department } also claims the organization (contested).
explain-rule-none = 3. Rule: no rule is in force for { $category } or any category above it at { $place }.
explain-scope-region = in { $region } and below
explain-scope-everywhere = everywhere
explain-not-inherited = {""}
explain-inherited = {" "}(inherited by { $category })
explain-rule = 3. Rule: the rule for { $category }{ $inherited }, holding { $scope }, is the most specific in force at { $place }; it names kind { $kind }.
explain-administering-region = its administering region
explain-own-region = its region
explain-rule-missing-department = {"   "}No { $kind_code } department exists at { $admin } ({ $admin_word }) or any region above it: a missing department; the rule does not decide.
explain-rule-department-decides = {"   "}The { $kind_code } department at { $admin } ({ $admin_word }) or the nearest region above it is { $department }, which decides.
explain-rule-department-same = {"   "}The { $kind_code } department at { $admin } or above is { $department }, the same department; no contest.
explain-rule-department-contests = {"   "}The { $kind_code } department at { $admin } or above is { $department }, which also claims the organization (contested).
explain-fallback-decides = 4. Fallback (乡镇、街道兜底): { $department } of { $place } decides.
explain-fallback-none = 4. Fallback (乡镇、街道兜底): { $place } has no department of a FALLBACK-role kind.
explain-fallback-not-township = 4. Fallback (乡镇、街道兜底): the organization is located at { $place }, not in a township or subdistrict, so there is none.
explain-result-nobody = Result: nobody is responsible — a blind spot (盲区).
explain-result = Result: { $department } is responsible (basis { $basis }).

## Gap details

list-more = { $all }, { $next }
list-empty = nothing
dedication-unit = a dedicated unit (专门组织)
dedication-staff = dedicated staff (专门人员)
dedication-method = a method (专门办法)
gap-unassigned = { $organization } in { $region }: nobody is responsible — no party affiliation, supervising unit, rule department or township fallback (盲区).
gap-fallback-only = { $organization } in { $region } is covered only by the township fallback { $department }; no line department is responsible.
gap-should-establish = { $organization } in { $region } has { $count } party members but { $status ->
    [joint] only a joint party organization (联合党组织)
   *[none] no party organization
}; with three or more it should set up its own (应建未建).
gap-category-mismatch = { $organization } in { $region }: its credit code's type { $code_type } is not one that { $category } admits ({ $types }) (类别与代码不符).
gap-contested = { $organization } in { $region }: { $count } departments claim it (多头管理); { $department } decides.
gap-missing-department = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
} of { $category } administered at { $region } { $count ->
    [one] falls
   *[other] fall
} under a rule naming { $kind_code } ({ $kind_name }), but no { $kind_code } department exists at { $region } or any region above it.
gap-unruled-category = { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
} of { $category } in { $region } { $count ->
    [one] has
   *[other] have
} no rule in force for their category or any category above it.
gap-incomplete-dedication = { $department } is responsible for { $count ->
    [one] { $count } organization
   *[other] { $count } organizations
} but lacks { $lacks }.

## The command line

cli-import-more-bad-rows = … and { $count } more bad { $count ->
    [one] row
   *[other] rows
}
cli-import-imported = imported
cli-import-checked = checked (dry run, nothing written)
cli-import-refused = refused (nothing written)
cli-import-summary = { $entity }: { $outcome }, { $rows } rows, { $created } created, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected; { $changed } responsibilities changed ({ $seconds } s)
cli-import-bad-rows = { $count } bad { $count ->
    [one] row
   *[other] rows
}; nothing was written
cli-token-created = created token '{ $name }' ({ $role }); its secret follows and is shown only this once:
cli-token-created-in-region = created token '{ $name }' ({ $role }, region { $region }); its secret follows and is shown only this once:
cli-token-revoked = revoked token '{ $name }'
cli-token-already-revoked = token '{ $name }' was already revoked

## Backups
backup-exists = { $path } exists and was not overwritten; add --force to overwrite it
backup-cannot-open = cannot open the database
backup-empty = the database is empty or does not exist; no backup was written
backup-cannot-read = cannot read the database
backup-unsupported = this database does not support this kind of backup
backup-failed = the backup failed
backup-written = backup written to { $path }
backup-pg-dump-failed = pg_dump failed ({ $status }); no backup was written
backup-pg-dump-missing-advice = pg_dump (the PostgreSQL client tools) was not found. On a machine that can reach the database, run:
    { "  " }pg_dump --format=custom --file { $path } --dbname '{ $url }'
    (the password can be given in the PGPASSWORD environment variable)
backup-pg-dump-missing = pg_dump was not found; no backup was written
backup-pg-dump-cannot-run = cannot run pg_dump
cannot-write-file = cannot write { $path }
cannot-remove-file = cannot remove { $path }

## The coverage report
report-sheet-summary = Summary
report-sheet-matrix = Categories × department kinds
report-sheet-gaps = Gaps
report-col-region-code = Region code
report-col-region-name = Region
report-col-level = Level
report-col-organizations = Organizations
report-col-rule = Rule
report-col-unassigned = Nobody responsible
report-col-responsibility-rate = Responsibility rate
report-col-fallback-share = Fallback share
report-col-organizational-coverage = Party organization coverage
report-col-work-coverage = Party work coverage
report-col-gap-kind = Gap kind
report-col-detail = Detail
report-col-category = Category
report-col-department = Department
report-col-department-kind = Department kind
report-col-credit-code = Credit code
report-col-organization-name = Organization
report-col-category-code = Category code
report-col-category-name = Category
report-col-total = Total
report-gaps-cut = { $total } gaps in all; the first { $shown } are listed here
gap-kind-unassigned = Nobody responsible
gap-kind-fallback-only = Township fallback only
gap-kind-missing-department = Missing department
gap-kind-unruled-category = Category without a rule
gap-kind-contested = Contested
gap-kind-incomplete-dedication = Incomplete dedication
gap-kind-should-establish = Should establish a party organization
gap-kind-category-mismatch = Category and code do not match

## The rectification ledger
what-milestones = Rectification milestones
milestone-not-found = No milestone has the code "{ $code }"
milestone-code-invalid = A milestone code must not be blank, must hold no spaces and must be at most 50 characters
rectification-not-found = No ledger item has the id { $id }
ledger-date-invalid = "{ $value }" is not a date; write it as YYYY-MM-DD, such as 2026-11-30
ledger-due-date-required = Give a due date or a milestone
ledger-note-too-long = A note must be at most { $max } characters
ledger-update-empty = Nothing to change: give a status, a note, an owner or a due date
ledger-transition-refused = A ledger item cannot go from { $from } to { $to }: its status only moves forward (OPEN, IN_PROGRESS, RESOLVED, VERIFIED), and VERIFIED only after RESOLVED
ledger-verified-fixed = The item is VERIFIED: its owner and due date can no longer change
ledger-gap-still-open = The data still shows this gap: the item cannot be RESOLVED
ledger-verify-forbidden = The level above the owner verifies: the token's region does not contain the parent of the owner department's region
rectification-id-invalid = A ledger item id is a number
dataset-not-importable = '{ $value }' can be exported, not imported: ledger items are opened and moved along through the API
report-sheet-ledger = Rectification ledger
report-col-gap-key = Gap key
report-col-owner = Owner
report-col-milestone = Milestone
report-col-due-date = Due date
report-col-status = Status
report-col-overdue = Overdue
report-col-gap-open = Gap still open
report-yes = yes
report-no = no
ledger-status-open = open
ledger-status-in-progress = in progress
ledger-status-resolved = resolved
ledger-status-verified = verified
## Time: responsibility history, coverage snapshots, pruning (issue 19)
history-time-malformed = "{ $given }" is not a time: give an RFC 3339 time or a YYYY-MM-DD date
what-snapshots = coverage snapshots
snapshot-taken = Coverage snapshot taken of { $regions ->
    [one] { $regions } region
   *[other] { $regions } regions
}
prune-done = Removed { $snapshots } snapshot rows taken before { $before } and { $periods } periods of responsibility that ended before it; current periods are kept
report-sheet-compare = Comparison
report-compare-at = { $figure } ({ $date })
report-compare-change = { $figure }, change
report-compare-taken = { $date }: from the coverage snapshot taken at { $at }
report-compare-none = { $date }: no coverage snapshot was taken by the end of that day; its figures are left blank
