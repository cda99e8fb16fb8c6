"""One child, one file (一人一档): intake's register of children, the only place their identities live."""
