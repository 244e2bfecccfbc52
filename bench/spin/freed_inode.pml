/*
 * The scaled `freed-inode` scenario of daxlab under the `fixed` variant, written by hand in
 * Promela so that SPIN explores the same state graph as `daxlab explore --reduction none`.
 * See README.md next to this file for what is modelled and how a daxlab step maps to one
 * SPIN transition.
 *
 * Sizes (preprocessor): N memory-failure threads and N faults, P pages (1..8).
 *   spin -DN=3 -DP=3 -a freed_inode.pml
 *
 * Threads (SPIN pid = daxlab thread id):
 *   0 .. N-1     mf     memory_failure(pfn = tid % P)
 *   N .. 2N-1    fault  a DAX fault on inode #1 at index = pfn = (tid - N) % P
 *   2N           evict  the last iput(): evict() truncating indices 0 .. P-1, call_rcu()
 *   2N+1         rcu    the grace-period machinery (a daemon)
 * The code is the `fixed` one: every upstream fix (f52afc93cd01, c93db7bb6ef3, 55e56f06ed71,
 * d8a706414af4, 237388320def).
 *
 * Every step is one d_step whose first statement is "pc == <line> && <the thread can run>":
 * the step's action and the control flow to the next step line happen inside it, so SPIN
 * counts one transition per daxlab step and stores no intermediate state.
 */

#ifndef N
#define N 1
#endif
#ifndef P
#define P 1
#endif

#define T      (2 * N + 2)   /* threads */
#define EVICT  (2 * N)       /* evict's thread id */
#define W      (2 * N + 1)   /* capacity of the wait table's queue (every thread but rcu) */

/* Entry flag bits (daxlab's entry_flags). */
#define LOCKED 1
#define EMPTY  8

/* Life of the one piece of inode memory (inode #1, whose i_data every mapping pointer is). */
#define LIVE        0
#define FREEING     1
#define RCU_PENDING 2
#define FREED       3

/* dax_entry_waitqueue(): the bucket of (inode #1's mapping, index) in a table of 8 buckets,
 * hash_long((unsigned long)mapping ^ index, 3), for index 0..7 (mapping = 0xffff888001234000). */
#define BUCKET(i) ((i) == 0 -> 0 : ((i) == 1 -> 3 : ((i) == 2 -> 6 : ((i) == 3 -> 1 : \
                  ((i) == 4 -> 4 : ((i) == 5 -> 7 : ((i) == 6 -> 2 : 5)))))))

/* page->index: in this scenario it is the page's pfn while page->mapping is set and 0 while it
 * is NULL (dax_associate_entry() sets both, dax_disassociate_entry() clears both), so it is not
 * a variable of its own. Likewise an entry's pfn: its index, or 0 for an EMPTY placeholder. */
#define PAGE_INDEX(p) (pg_mapping[p] -> (p) : 0)

/* ---- shared state ---------------------------------------------------------------------- */

byte pins;                    /* dev_pagemap references held (get_dev_pagemap) */
bit  pg_mapping[P] = 1;       /* page->mapping: 1 = inode #1's i_data, 0 = NULL */
bit  pg_hwpoison[P];          /* PageHWPoison */

byte i_life = LIVE;           /* the inode memory's life; FREED means freed after gp 1 */
byte i_users = N;             /* open references (each fault holds one until it ends) */
byte xa_lock;                 /* holder of the i_pages spinlock: tid + 1, 0 = free */
short mmap_readers;           /* MMAPLOCK held shared: bit per tid (nobody takes it exclusive) */

/* i_pages: at most one (4 KiB) entry per index 0 .. P-1. A deleted slot is all zero. */
bit  ent_present[P] = 1;
byte ent_flags[P];            /* LOCKED | EMPTY */
byte ent_locker[P];           /* who set LOCKED: tid + 1, 0 = none */

/* The wait table: the queued waiters in queue order, packed at the front (0 = no entry).
 * A waiter's key is (inode #1's mapping, index); its bucket is BUCKET(index); it is exclusive
 * when it is a fault or evict (tid >= N). */
byte wq_tid[W];               /* tid + 1 */
byte wq_key[W];               /* key index */

bit  running[T] = 1;          /* TASK_RUNNING (0 after prepare_to_wait until woken) */
byte rcu_nest[N];             /* rcu_read_lock() depth of each mf (nobody else reads RCU) */

byte rcu_completed;           /* grace periods ended */
bit  gp_active;               /* a grace period is in progress; its number is completed + 1 */
short gp_waiting;             /* the readers it waits for: bit per tid */
bit  cb_queued;               /* evict's call_rcu() callback is queued (there is one at most) */
byte cb_gp;                   /* the grace period it waits for, 0 = not yet assigned */

/* Scratch for loops inside one d_step. Hidden (outside the state vector) in the DFS build;
 * SPIN's BFS refuses hidden variables, so `spin -DNOHIDDEN` makes them ordinary globals, and
 * every helper that uses them sets them back to 0 so that they are 0 in every stored state. */
#ifdef NOHIDDEN
byte k, j, m;
#else
hidden byte k, j, m;
#endif
#define SCRATCH_DONE k = 0; j = 0; m = 0

/* ---- helpers (all used inside one d_step) ---------------------------------------------- */

/* Dereferencing a mapping pointer: NULL is an oops, freed memory a use-after-free. */
#define DEREF(p) assert((p) && i_life != FREED)

inline xa_lock_irq(p) {
  DEREF(p);
  assert(xa_lock != _pid + 1);          /* taking it again would deadlock at once */
  xa_lock = _pid + 1
}

inline xa_unlock_irq(p) {
  DEREF(p);
  xa_lock = 0
}

/* entry = __radix_tree_lookup(&mapping->i_pages, index): a copy of the slot. */
inline lookup(ix) {
  DEREF(1);
  e_valid = ent_present[ix];
  e_flags = ent_flags[ix];
  e_locker = ent_locker[ix]
}

inline rcu_read_unlock() {
  assert(rcu_nest[_pid] > 0);
  rcu_nest[_pid]--;
  if
  :: rcu_nest[_pid] == 0 -> gp_waiting = gp_waiting & ~(1 << _pid)
  :: else -> skip
  fi
}

/* prepare_to_wait[_exclusive](): running = 0 and queue this task with key `key`: an exclusive
 * waiter at the tail, a non-exclusive one in front of the first waiter of its bucket. */
inline prepare_to_wait(key, excl) {
  running[_pid] = 0;
  k = 0;
  do
  :: k < W && wq_tid[k] != 0 && (excl || BUCKET(wq_key[k]) != BUCKET(key)) -> k++
  :: else -> break
  od;
  assert(wq_tid[W - 1] == 0);
  j = W - 1;
  do
  :: j > k -> wq_tid[j] = wq_tid[j - 1]; wq_key[j] = wq_key[j - 1]; j--
  :: else -> break
  od;
  wq_tid[k] = _pid + 1;
  wq_key[k] = key;
  SCRATCH_DONE
}

/* Take queue position k out, closing the gap. */
inline wq_remove_at() {
  j = k;
  do
  :: j < W - 1 -> wq_tid[j] = wq_tid[j + 1]; wq_key[j] = wq_key[j + 1]; j++
  :: else -> break
  od;
  wq_tid[W - 1] = 0;
  wq_key[W - 1] = 0
}

/* finish_wait(): running again, and off the queue if a wake-up has not taken it off. */
inline finish_wait() {
  running[_pid] = 1;
  k = 0;
  do
  :: k < W && wq_tid[k] != 0 && wq_tid[k] != _pid + 1 -> k++
  :: else -> break
  od;
  if
  :: k < W && wq_tid[k] == _pid + 1 -> wq_remove_at()
  :: else -> skip
  fi;
  SCRATCH_DONE
}

/* schedule(): the guard (in the d_step's first statement) is !sleeping || running[_pid].
 * Returning from a sleep, or not sleeping at all when already woken, moves on to `next`. */
inline schedule(next) {
  if
  :: sleeping -> sleeping = 0; pc = next
  :: else ->
     assert(xa_lock != _pid + 1);       /* sleeping holding a spinlock */
     if
     :: running[_pid] -> pc = next
     :: else -> sleeping = 1
     fi
  fi
}

/* dax_wake_mapping_entry_waiter() / __wake_up() with key (mapping, key): from the head, wake
 * (autoremove) every waiter of the bucket with that key; without `all`, stop after the first
 * exclusive one. */
inline wake(key, all) {
  k = 0;
  do
  :: k < W && wq_tid[k] != 0 ->
     if
     :: BUCKET(wq_key[k]) == BUCKET(key) && wq_key[k] == key ->
        m = wq_tid[k] - 1;
        running[m] = 1;
        wq_remove_at();
        if
        :: m >= N && !all -> break
        :: else -> skip
        fi
     :: else -> k++
     fi
  :: else -> break
  od;
  SCRATCH_DONE
}

/* A thread's first function returns: it must hold no lock. */
inline finish_checks() {
  assert(xa_lock != _pid + 1);
  assert((mmap_readers & (1 << _pid)) == 0);
  k = 0;
  do
  :: k < P -> assert(!(ent_present[k] && (ent_flags[k] & LOCKED) && ent_locker[k] == _pid + 1)); k++
  :: else -> break
  od;
  SCRATCH_DONE
}

/* ---- the threads: one constant per step line; DONE once the thread has finished -------- */

/* memory_failure() and what it calls */
#define M_GET            1   /* memory_failure: pgmap = get_dev_pagemap(pfn, NULL); */
#define M_RCULOCK        2   /* dax_lock_mapping_entry: rcu_read_lock(); */
#define M_READ           3   /*   mapping = READ_ONCE(page->mapping); */
#define M_DAXMAP         4   /*   if (!mapping || !dax_mapping(mapping)) */
#define M_HOST           5   /*   inode = mapping->host; */
#define M_ISCHR          6   /*   if (S_ISCHR(inode->i_mode)) { */
#define M_XALOCK         7   /*   xa_lock_irq(&mapping->i_pages); */
#define M_RECHECK        8   /*   if (mapping != page->mapping) { */
#define M_RECHECK_UNLOCK 9   /*     xa_unlock_irq(&mapping->i_pages); continue; */
#define M_INDEX         10   /*   index = page->index; */
#define M_LOOKUP        11   /*   entry = __radix_tree_lookup(...); */
#define M_NOENT_UNLOCK  12   /*   if (!entry) { xa_unlock_irq(...); break; } */
#define M_WAIT_RCUUNLOCK 13  /*   } else if (slot_locked()) { rcu_read_unlock(); */
#define W_PREPARE       14   /*     wait_entry_unlocked: prepare_to_wait(wq, ...); */
#define W_UNLOCK        15   /*       xa_unlock_irq(&mapping->i_pages); */
#define W_SCHED         16   /*       schedule(); */
#define W_FINISH        17   /*       finish_wait(wq, &ewait.wait); */
#define M_WAIT_RCULOCK  18   /*     rcu_read_lock(); continue; } */
#define M_LOCKSLOT      19   /*   lock_slot(mapping, slot); did_lock = true; */
#define M_UNLOCK        20   /*   xa_unlock_irq(&mapping->i_pages); break; */
#define M_RCUUNLOCK     21   /* rcu_read_unlock(); return did_lock; */
#define M_POISON        22   /* memory_failure_dev_pagemap: SetPageHWPoison(page); */
#define M_COLLECT       23   /*   collect_procs(page, ...); */
#define M_UNMAP         24   /*   unmap_mapping_range(page->mapping, ...); */
#define M_KILL          25   /*   kill_procs(...); */
#define U_MAPPING       26   /* dax_unlock_mapping_entry: mapping = page->mapping; */
#define U_HOST          27   /*   inode = mapping->host; */
#define U_ISCHR         28   /*   if (S_ISCHR(inode->i_mode)) ... (reads page->index) */
#define UN_LOCK         29   /* unlock_mapping_entry: xa_lock_irq(&mapping->i_pages); */
#define UN_LOOKUP       30   /*   entry = __radix_tree_lookup(...); */
#define UN_WARN_UNLOCK  31   /*   if (WARN_ON_ONCE(!entry || !slot_locked())) { xa_unlock_irq(); return; } */
#define UN_UNLOCKSLOT   32   /*   entry = unlock_slot(mapping, slot); */
#define UN_XAUNLOCK     33   /*   xa_unlock_irq(&mapping->i_pages); */
#define UN_WAKE         34   /*   dax_wake_mapping_entry_waiter(mapping, index, entry, false); */
#define M_PUT           35   /* memory_failure_dev_pagemap: put_dev_pagemap(pgmap); return rc; */
/* the fault */
#define F_DOWNREAD      40   /* __xfs_filemap_fault: xfs_ilock(MMAPLOCK_SHARED); */
#define G_LOCK          41   /* grab_mapping_entry: xa_lock_irq(&mapping->i_pages); */
#define GU_LOOKUP       42   /* get_unlocked_mapping_entry: entry = __radix_tree_lookup(...); */
#define GU_PREPARE      43   /*   prepare_to_wait_exclusive(wq, ...); */
#define GU_UNLOCK       44   /*   xa_unlock_irq(&mapping->i_pages); */
#define GU_SCHED        45   /*   schedule(); */
#define GU_FINISH       46   /*   finish_wait(wq, &ewait.wait); */
#define GU_LOCK         47   /*   xa_lock_irq(&mapping->i_pages); (and round the loop) */
#define G_LOCKSLOT      48   /* grab_mapping_entry: entry = lock_slot(mapping, slot); */
#define G_INSERT        49   /*   __radix_tree_insert(..., locked EMPTY entry); */
#define G_UNLOCK        50   /*   xa_unlock_irq(&mapping->i_pages); return entry; */
#define DI_LOCK         51   /* dax_insert_mapping_entry: xa_lock_irq(pages); */
#define DI_ASSOC        52   /*   dax_associate_entry(): page->mapping, page->index */
#define DI_REPLACE      53   /*   __radix_tree_replace(): the EMPTY entry becomes the pfn's */
#define DI_UNLOCK       54   /*   xa_unlock_irq(pages); */
#define F_UPREAD        55   /* __xfs_filemap_fault: xfs_iunlock(MMAPLOCK_SHARED); */
/* evict */
#define E_IPUT          60   /* evict: iput(): I_FREEING once no user holds the file */
#define TR_LOCK         61   /* __dax_invalidate_mapping_entry: xa_lock_irq(pages); */
#define TR_DISASSOC     62   /*   dax_disassociate_entry(entry, mapping, trunc); */
#define TR_DELETE       63   /*   radix_tree_delete(pages, index); */
#define PU_WAKE         64   /*   put_unlocked_mapping_entry(..., WAKE_ALL): wake every waiter */
#define TR_UNLOCK       65   /*   xa_unlock_irq(pages); (and the truncate loop moves on) */
#define CI_LOCK         66   /* clear_inode: xa_lock_irq(&inode->i_data.i_pages); */
#define CI_UNLOCK       67   /*   xa_unlock_irq(&inode->i_data.i_pages); */
#define DS_CALLRCU      68   /* destroy_inode: call_rcu(&VFS_I(ip)->i_rcu, xfs_inode_free_callback); */
#define DONE            99

/* memory_failure(pfn): pfn = tid % P. */
active [N] proctype mf()
{
  byte pc = M_GET;
  bit  mapping;                 /* local `mapping`: 1 = inode #1's i_data, 0 = NULL */
  byte index;                   /* local `index` */
  bit  e_valid;                 /* local `entry` (a copy of the slot; see lookup()) */
  byte e_flags;
  byte e_locker;
  bit  did_lock;
  bit  pinned;                  /* holds a dev_pagemap reference */
  bit  sleeping;                /* inside schedule() */
end:
  do
  :: d_step { pc == M_GET ->            /* the pgmap is never killed here: always a reference */
       pins++; pinned = 1; pc = M_RCULOCK }
  :: d_step { pc == M_RCULOCK ->
       rcu_nest[_pid]++; pc = M_READ }
  :: d_step { pc == M_READ ->
       mapping = pg_mapping[_pid % P]; pc = M_DAXMAP }
  :: d_step { pc == M_DAXMAP ->
       if
       :: !mapping -> pc = M_RCUUNLOCK         /* break: give up */
       :: else -> DEREF(mapping); pc = M_HOST    /* inode #1 is DAX */
       fi }
  :: d_step { pc == M_HOST ->
       DEREF(mapping); pc = M_ISCHR }
  :: d_step { pc == M_ISCHR ->                 /* a regular file */
       DEREF(mapping); pc = M_XALOCK }
  :: d_step { pc == M_XALOCK && xa_lock == 0 ->
       xa_lock_irq(mapping); pc = M_RECHECK }
  :: d_step { pc == M_RECHECK ->
       if
       :: pg_mapping[_pid % P] != mapping -> pc = M_RECHECK_UNLOCK
       :: else -> pc = M_INDEX
       fi }
  :: d_step { pc == M_RECHECK_UNLOCK ->
       xa_unlock_irq(mapping); pc = M_READ }
  :: d_step { pc == M_INDEX ->
       index = PAGE_INDEX(_pid % P); pc = M_LOOKUP }
  :: d_step { pc == M_LOOKUP ->
       DEREF(mapping);
       lookup(index);
       if
       :: !e_valid -> pc = M_NOENT_UNLOCK
       :: else ->
          if
          :: e_flags & LOCKED -> pc = M_WAIT_RCUUNLOCK
          :: else -> pc = M_LOCKSLOT
          fi
       fi }
  :: d_step { pc == M_NOENT_UNLOCK ->
       xa_unlock_irq(mapping); pc = M_RCUUNLOCK }
  :: d_step { pc == M_WAIT_RCUUNLOCK ->
       rcu_read_unlock(); pc = W_PREPARE }
  :: d_step { pc == W_PREPARE ->                /* prepare_to_wait(): not exclusive */
       assert(mapping && e_valid);
       prepare_to_wait(index, 0); pc = W_UNLOCK }
  :: d_step { pc == W_UNLOCK ->
       xa_unlock_irq(mapping); pc = W_SCHED }
  :: d_step { pc == W_SCHED && (!sleeping || running[_pid]) ->
       assert(rcu_nest[_pid] == 0);             /* sleeping inside an RCU read-side section */
       schedule(W_FINISH) }
  :: d_step { pc == W_FINISH ->
       finish_wait(); pc = M_WAIT_RCULOCK }
  :: d_step { pc == M_WAIT_RCULOCK ->
       rcu_nest[_pid]++; pc = M_READ }
  :: d_step { pc == M_LOCKSLOT ->
       assert(mapping);
       if
       :: ent_present[index] ->
          /* the entry must map this thread's page, which must belong to the mapping */
          assert(pg_mapping[_pid % P] && !(ent_flags[index] & EMPTY) && index == _pid % P);
          ent_flags[index] = ent_flags[index] | LOCKED;
          ent_locker[index] = _pid + 1
       :: else -> skip
       fi;
       did_lock = 1; pc = M_UNLOCK }
  :: d_step { pc == M_UNLOCK ->
       xa_unlock_irq(mapping); pc = M_RCUUNLOCK }
  :: d_step { pc == M_RCUUNLOCK ->
       rcu_read_unlock();
       if
       :: did_lock -> pc = M_POISON
       :: else -> pc = M_PUT
       fi }
  :: d_step { pc == M_POISON ->
       pg_hwpoison[_pid % P] = 1; pc = M_COLLECT }
  :: d_step { pc == M_COLLECT ->
       DEREF(pg_mapping[_pid % P]); pc = M_UNMAP }
  :: d_step { pc == M_UNMAP ->
       DEREF(pg_mapping[_pid % P]); pc = M_KILL }
  :: d_step { pc == M_KILL ->
       pc = U_MAPPING }
  :: d_step { pc == U_MAPPING ->
       mapping = pg_mapping[_pid % P]; pc = U_HOST }
  :: d_step { pc == U_HOST ->
       DEREF(mapping); pc = U_ISCHR }
  :: d_step { pc == U_ISCHR ->
       DEREF(mapping); index = PAGE_INDEX(_pid % P); pc = UN_LOCK }
  :: d_step { pc == UN_LOCK && xa_lock == 0 ->
       xa_lock_irq(mapping); pc = UN_LOOKUP }
  :: d_step { pc == UN_LOOKUP ->
       lookup(index);
       if
       :: !e_valid || !(e_flags & LOCKED) -> pc = UN_WARN_UNLOCK
       :: else -> pc = UN_UNLOCKSLOT
       fi }
  :: d_step { pc == UN_WARN_UNLOCK ->
       xa_unlock_irq(mapping); pc = M_PUT }
  :: d_step { pc == UN_UNLOCKSLOT ->
       assert(mapping);
       if
       :: ent_present[index] ->
          ent_flags[index] = ent_flags[index] & ~LOCKED; ent_locker[index] = 0
       :: else -> skip
       fi;
       pc = UN_XAUNLOCK }
  :: d_step { pc == UN_XAUNLOCK ->
       xa_unlock_irq(mapping); pc = UN_WAKE }
  :: d_step { pc == UN_WAKE ->
       wake(index, 0); pc = M_PUT }
  :: d_step { pc == M_PUT ->                  /* then it returns Recovered (did_lock) or Failed */
       pins--; pinned = 0;
       assert(rcu_nest[_pid] == 0);
       finish_checks();
       pc = DONE }
  od
}

/* A fault at index = pfn = (tid - N) % P; it holds a reference to the file (i_users). */
#define FIDX ((_pid - N) % P)
active [N] proctype fault()
{
  byte pc = F_DOWNREAD;
  bit  e_valid;                 /* local `entry` */
  byte e_flags;
  byte e_locker;
  bit  sleeping;
end:
  do
  :: d_step { pc == F_DOWNREAD ->             /* nobody takes the MMAPLOCK exclusive here */
       DEREF(1); mmap_readers = mmap_readers | (1 << _pid); pc = G_LOCK }
  :: d_step { pc == G_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = GU_LOOKUP }
  :: d_step { pc == GU_LOOKUP ->
       lookup(FIDX);
       if
       :: !e_valid -> pc = G_INSERT
       :: else ->
          if
          :: e_flags & LOCKED -> pc = GU_PREPARE
          :: else -> pc = G_LOCKSLOT
          fi
       fi }
  :: d_step { pc == GU_PREPARE ->
       prepare_to_wait(FIDX, 1); pc = GU_UNLOCK }
  :: d_step { pc == GU_UNLOCK ->
       xa_unlock_irq(1); pc = GU_SCHED }
  :: d_step { pc == GU_SCHED && (!sleeping || running[_pid]) ->
       schedule(GU_FINISH) }
  :: d_step { pc == GU_FINISH ->
       finish_wait(); pc = GU_LOCK }
  :: d_step { pc == GU_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = GU_LOOKUP }
  :: d_step { pc == G_LOCKSLOT ->
       if
       :: ent_present[FIDX] ->
          ent_flags[FIDX] = ent_flags[FIDX] | LOCKED; ent_locker[FIDX] = _pid + 1
       :: else -> skip
       fi;
       pc = G_UNLOCK }
  :: d_step { pc == G_INSERT ->
       assert(!ent_present[FIDX]);
       ent_present[FIDX] = 1; ent_flags[FIDX] = LOCKED | EMPTY; ent_locker[FIDX] = _pid + 1;
       pc = G_UNLOCK }
  :: d_step { pc == G_UNLOCK ->
       xa_unlock_irq(1);
       if
       :: !e_valid || (e_flags & EMPTY) -> pc = DI_LOCK   /* a new entry: insert the block */
       :: else -> pc = UN_LOCK                            /* map it, then unlock the entry */
       fi }
  :: d_step { pc == DI_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = DI_ASSOC }
  :: d_step { pc == DI_ASSOC ->               /* page->mapping = mapping, page->index = index */
       pg_mapping[FIDX] = 1; pc = DI_REPLACE }
  :: d_step { pc == DI_REPLACE ->
       if
       :: ent_present[FIDX] ->
          ent_flags[FIDX] = ent_flags[FIDX] & ~EMPTY;   /* its pfn is now the fault's */
          e_valid = 1; e_flags = ent_flags[FIDX]; e_locker = ent_locker[FIDX]
       :: else -> skip
       fi;
       pc = DI_UNLOCK }
  :: d_step { pc == DI_UNLOCK ->
       xa_unlock_irq(1); pc = UN_LOCK }
  :: d_step { pc == UN_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = UN_LOOKUP }
  :: d_step { pc == UN_LOOKUP ->
       lookup(FIDX);
       if
       :: !e_valid || !(e_flags & LOCKED) -> pc = UN_WARN_UNLOCK
       :: else -> pc = UN_UNLOCKSLOT
       fi }
  :: d_step { pc == UN_WARN_UNLOCK ->
       xa_unlock_irq(1); pc = F_UPREAD }
  :: d_step { pc == UN_UNLOCKSLOT ->
       if
       :: ent_present[FIDX] ->
          ent_flags[FIDX] = ent_flags[FIDX] & ~LOCKED; ent_locker[FIDX] = 0
       :: else -> skip
       fi;
       pc = UN_XAUNLOCK }
  :: d_step { pc == UN_XAUNLOCK ->
       xa_unlock_irq(1); pc = UN_WAKE }
  :: d_step { pc == UN_WAKE ->
       wake(FIDX, 0); pc = F_UPREAD }
  :: d_step { pc == F_UPREAD ->               /* up_read(); the fault ends and lets go of the file */
       DEREF(1);
       mmap_readers = mmap_readers & ~(1 << _pid);
       i_users--;
       finish_checks();
       pc = DONE }
  od
}

/* The last iput(): evict() → truncate_inode_pages_final() over indices 0 .. P-1 →
 * clear_inode() → destroy_inode() → call_rcu(). */
active proctype evict()
{
  byte pc = E_IPUT;
  byte index;                   /* local `index` */
  byte iter;                    /* the truncate loop's position */
  bit  e_valid;                 /* local `entry` */
  byte e_flags;
  byte e_locker;
  bit  sleeping;
end:
  do
  :: d_step { pc == E_IPUT && i_users == 0 ->
       iter = 0; i_life = FREEING;
       /* truncate_inode_pages_range(): the first index, and no entry yet */
       if
       :: iter < P -> index = iter; e_valid = 0; e_flags = 0; e_locker = 0; pc = TR_LOCK
       :: else -> pc = CI_LOCK
       fi }
  :: d_step { pc == TR_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = GU_LOOKUP }
  :: d_step { pc == GU_LOOKUP ->
       lookup(index);
       if
       :: !e_valid -> pc = PU_WAKE                     /* goto out; */
       :: else ->
          if
          :: e_flags & LOCKED -> pc = GU_PREPARE
          :: else -> pc = TR_DISASSOC
          fi
       fi }
  :: d_step { pc == GU_PREPARE ->
       prepare_to_wait(index, 1); pc = GU_UNLOCK }
  :: d_step { pc == GU_UNLOCK ->
       xa_unlock_irq(1); pc = GU_SCHED }
  :: d_step { pc == GU_SCHED && (!sleeping || running[_pid]) ->
       schedule(GU_FINISH) }
  :: d_step { pc == GU_FINISH ->
       finish_wait(); pc = GU_LOCK }
  :: d_step { pc == GU_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = GU_LOOKUP }
  :: d_step { pc == TR_DISASSOC ->            /* the entry's page (pfn = index) loses its file */
       if
       :: e_valid && !(e_flags & EMPTY) -> pg_mapping[index] = 0
       :: else -> skip
       fi;
       pc = TR_DELETE }
  :: d_step { pc == TR_DELETE ->
       ent_present[index] = 0; ent_flags[index] = 0; ent_locker[index] = 0;
       pc = PU_WAKE }
  :: d_step { pc == PU_WAKE ->                /* no entry: nobody to wake */
       if
       :: e_valid -> wake(index, 1)
       :: else -> skip
       fi;
       pc = TR_UNLOCK }
  :: d_step { pc == TR_UNLOCK ->
       xa_unlock_irq(1);
       iter++;
       if
       :: iter < P -> index = iter; e_valid = 0; e_flags = 0; e_locker = 0; pc = TR_LOCK
       :: else -> pc = CI_LOCK
       fi }
  :: d_step { pc == CI_LOCK && xa_lock == 0 ->
       xa_lock_irq(1); pc = CI_UNLOCK }
  :: d_step { pc == CI_UNLOCK ->
       xa_unlock_irq(1); pc = DS_CALLRCU }
  :: d_step { pc == DS_CALLRCU ->
       i_life = RCU_PENDING;
       assert(!cb_queued);
       cb_queued = 1; cb_gp = 0;
       finish_checks();
       pc = DONE }
  od
}

/* The RCU machinery: invoke the callbacks of an ended grace period, else end the grace period
 * once no reader holds it up, else start one for callbacks that wait. */
#define CB_READY (cb_queued && cb_gp != 0 && cb_gp <= rcu_completed)
active proctype rcu()
{
end:
  do
  :: d_step { CB_READY ->                     /* rcu_do_batch() → xfs_inode_free_callback(): freed */
       cb_queued = 0; cb_gp = 0;
       i_life = FREED;
       k = 0;
       do
       :: k < P -> ent_present[k] = 0; ent_flags[k] = 0; ent_locker[k] = 0; k++
       :: else -> break
       od;
       SCRATCH_DONE;
       xa_lock = 0 }
  :: d_step { !CB_READY && gp_active && gp_waiting == 0 ->    /* rcu_gp_cleanup() */
       rcu_completed++; gp_active = 0 }
  :: d_step { !CB_READY && !gp_active && cb_queued && cb_gp == 0 ->   /* rcu_gp_init() */
       gp_waiting = 0;
       k = 0;
       do
       :: k < N -> if :: rcu_nest[k] > 0 -> gp_waiting = gp_waiting | (1 << k) :: else -> skip fi; k++
       :: else -> break
       od;
       SCRATCH_DONE;
       cb_gp = rcu_completed + 1;
       gp_active = 1 }
  od
}
