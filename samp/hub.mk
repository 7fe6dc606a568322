# SAMP hub (issue 5).
