"""Write-back benchmark: Salesforce API calls per 1,000 events, batched against one write per event."""
