"""The standard Salesforce fields leadrelay knows, per object, by API name (custom fields come from
``infra/salesforce/`` and, for a real org, from ``leadrelay org describe --output``)."""

from __future__ import annotations

_SYSTEM = "Id IsDeleted CreatedDate CreatedById LastModifiedDate LastModifiedById SystemModstamp"
_PERSON = "LastName FirstName Salutation MiddleName Suffix Name Title Phone MobilePhone Fax Email"
_OWNED = "OwnerId LastActivityDate LastViewedDate LastReferencedDate RecordTypeId MasterRecordId"
_CONSENT = "HasOptedOutOfEmail HasOptedOutOfFax DoNotCall IndividualId EmailBouncedReason EmailBouncedDate"

STANDARD_FIELDS: dict[str, str] = {
    "Lead": f"""{_SYSTEM} {_PERSON} {_OWNED} {_CONSENT}
        Company Street City State PostalCode Country StateCode CountryCode Latitude Longitude
        GeocodeAccuracy Address Website PhotoUrl Description LeadSource Status Industry Rating
        AnnualRevenue NumberOfEmployees IsConverted ConvertedDate ConvertedAccountId ConvertedContactId
        ConvertedOpportunityId IsUnreadByOwner Jigsaw JigsawContactId CleanStatus CompanyDunsNumber
        DandbCompanyId IsPriorityRecord""",
    "Contact": f"""{_SYSTEM} {_PERSON} {_OWNED} {_CONSENT}
        AccountId OtherStreet OtherCity OtherState OtherPostalCode OtherCountry OtherLatitude
        OtherLongitude OtherGeocodeAccuracy OtherAddress MailingStreet MailingCity MailingState
        MailingPostalCode MailingCountry MailingStateCode MailingCountryCode MailingLatitude
        MailingLongitude MailingGeocodeAccuracy MailingAddress HomePhone OtherPhone AssistantPhone
        ReportsToId Department AssistantName LeadSource Birthdate Description IsEmailBounced PhotoUrl
        Jigsaw JigsawContactId CleanStatus LastCURequestDate LastCUUpdateDate""",
    "Account": f"""{_SYSTEM} {_OWNED}
        Name Type ParentId BillingStreet BillingCity BillingState BillingPostalCode BillingCountry
        BillingLatitude BillingLongitude BillingAddress ShippingStreet ShippingCity ShippingState
        ShippingPostalCode ShippingCountry ShippingAddress Phone Fax AccountNumber Website PhotoUrl Sic
        Industry AnnualRevenue NumberOfEmployees Ownership TickerSymbol Description Rating Site Jigsaw
        JigsawCompanyId CleanStatus AccountSource DunsNumber Tradestyle NaicsCode NaicsDesc YearStarted
        SicDesc DandbCompanyId""",
    "User": f"""{_SYSTEM}
        Username LastName FirstName MiddleName Suffix Name CompanyName Division Department Title Street
        City State PostalCode Country Email Phone Fax MobilePhone Alias CommunityNickname IsActive
        TimeZoneSidKey UserRoleId LocaleSidKey EmailEncodingKey ProfileId UserType LanguageLocaleKey
        EmployeeNumber ManagerId LastLoginDate FederationIdentifier AboutMe""",
    "Task": f"""{_SYSTEM}
        WhoId WhatId Subject ActivityDate Status Priority IsHighPriority OwnerId Description Type
        AccountId IsClosed IsArchived CallDurationInSeconds CallType CallDisposition CallObject
        ReminderDateTime IsReminderSet RecurrenceActivityId IsRecurrence TaskSubtype CompletedDateTime
        WhoCount WhatCount""",
}
"""Object → its standard fields, whitespace-separated (the names a real org's describe returns)."""
