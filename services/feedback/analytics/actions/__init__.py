"""Improvement actions: tracked from open to done, with the category's complaint rate before and after."""
