"""Messages to visitors and e-scouts: the SMS gateway, SMTP, the words and the run."""
