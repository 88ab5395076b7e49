"""mediadmin: products and their files, managed in the Django admin."""
